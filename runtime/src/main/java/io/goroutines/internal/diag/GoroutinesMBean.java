package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Goroutines;
import io.goroutines.internal.sched.Metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * The runtime's JMX MBean, {@code io.goroutines:type=Goroutines}: every figure of
 * {@link Metrics#snapshot()} as a read-only attribute (run-queue lengths as an {@code int[]}), plus
 * {@code ParksPerSecond} (over the time since the previous read of it), and the operations
 * {@code dump()} (the {@code debug=2} text, empty while no goroutine was ever started; what
 * {@code java -jar goroutines.jar dump PID} prints) and {@code dumpJson()}. Registered by the agent
 * on a background thread, so that loading JMX does not delay {@code main}.
 */
public final class GoroutinesMBean implements DynamicMBean
{
    /** The name it is registered under. */
    public static final String NAME = "io.goroutines:type=Goroutines";

    /** Parks at the previous read of ParksPerSecond, and when. */
    private long lastParks;
    private long lastNs = System.nanoTime();

    /**
     * Registers the MBean with the platform server on a daemon thread; the agent calls this from
     * premain.
     *
     * @param mode {@code on} (anything else does nothing)
     */
    public static void configure(final String mode)
    {
        if (!"on".equals(mode))
        {
            return;
        }
        final Thread t = new Thread(DebugServer.THREADS, () ->
        {
            try
            {
                ManagementFactory.getPlatformMBeanServer().registerMBean(new GoroutinesMBean(), new ObjectName(NAME));
            }
            catch (final Exception | LinkageError ex)
            {
                System.err.println("goroutines: the JMX MBean " + NAME + " could not be registered: " + ex);
            }
        }, "goroutines-jmx");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public Object getAttribute(final String name) throws AttributeNotFoundException
    {
        if ("ParksPerSecond".equals(name))
        {
            return parksPerSecond();
        }
        final Object v = Metrics.snapshot().get(key(name));
        if (null == v)
        {
            throw new AttributeNotFoundException("goroutines: no attribute " + name);
        }
        return convert(v);
    }

    @Override
    public void setAttribute(final Attribute attribute)
    {
        throw new UnsupportedOperationException("goroutines: the MBean's attributes are read-only");
    }

    @Override
    public AttributeList getAttributes(final String[] names)
    {
        final AttributeList out = new AttributeList();
        final Map<String, Object> m = Metrics.snapshot();
        for (final String name : names)
        {
            if ("ParksPerSecond".equals(name))
            {
                out.add(new Attribute(name, parksPerSecond()));
            }
            else if (m.containsKey(key(name)))
            {
                out.add(new Attribute(name, convert(m.get(key(name)))));
            }
        }
        return out;
    }

    @Override
    public AttributeList setAttributes(final AttributeList attributes)
    {
        return new AttributeList();
    }

    @Override
    public Object invoke(final String action, final Object[] params, final String[] signature)
        throws ReflectionException
    {
        return switch (action)
        {
            case "dump" -> dump();
            case "dumpJson" -> Dumps.json(Goroutines.all(List.of()));
            default -> throw new ReflectionException(new NoSuchMethodException(action), "goroutines: no operation " +
                action + " (dump, dumpJson)");
        };
    }

    @Override
    public MBeanInfo getMBeanInfo()
    {
        final List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (final Map.Entry<String, Object> e : Metrics.snapshot().entrySet())
        {
            final Object v = convert(e.getValue());
            attributes.add(new MBeanAttributeInfo(attributeName(e.getKey()), v.getClass().getName(), e.getKey(),
                true, false, false));
        }
        attributes.add(new MBeanAttributeInfo("ParksPerSecond", Double.class.getName(),
            "parks per second since the previous read of this attribute", true, false, false));
        final MBeanOperationInfo[] operations = {
            new MBeanOperationInfo("dump", "every goroutine in Go's debug=2 form", new javax.management.MBeanParameterInfo[0],
                String.class.getName(), MBeanOperationInfo.INFO),
            new MBeanOperationInfo("dumpJson", "every goroutine as JSON", new javax.management.MBeanParameterInfo[0],
                String.class.getName(), MBeanOperationInfo.INFO)};
        return new MBeanInfo(GoroutinesMBean.class.getName(), "goroutines runtime: scheduler figures and dumps",
            attributes.toArray(new MBeanAttributeInfo[0]), null, operations, null);
    }

    /**
     * The operation {@code dump()}, which {@code java -jar goroutines.jar dump PID} calls: every
     * goroutine in the {@code debug=2} form, empty when no goroutine was ever started in this JVM
     * (the scheduler is not started for it).
     */
    private static String dump()
    {
        final String dump = Dumps.remote();
        return null == dump ? "" : dump;
    }

    private synchronized double parksPerSecond()
    {
        final long parks = Metrics.parks();
        final long now = System.nanoTime();
        final double rate = (parks - lastParks) * 1e9 / Math.max(1, now - lastNs);
        lastParks = parks;
        lastNs = now;
        return rate;
    }

    /** {@code goroutinesWaiting} as the attribute {@code GoroutinesWaiting}. */
    static String attributeName(final String key)
    {
        return Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    private static String key(final String attribute)
    {
        return attribute.isEmpty() ? attribute : Character.toLowerCase(attribute.charAt(0)) + attribute.substring(1);
    }

    private static Object convert(final Object v)
    {
        if (v instanceof List<?> list)
        {
            final int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++)
            {
                out[i] = ((Number)list.get(i)).intValue();
            }
            return out;
        }
        return v;
    }
}
