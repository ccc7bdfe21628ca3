package io.goroutines.agent.cli;

import com.sun.tools.attach.VirtualMachine;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dump PID}: the goroutine dump of a running JVM, over JMX. The command attaches to the
 * target with the Attach API only to start its local management agent (the JDK's own JMX connector,
 * which the target starts without printing anything: no agent is loaded, so Java 21 and later give
 * no JEP 451 warning), detaches, connects to the address it got and calls the operation
 * {@code dump()} of the runtime's MBean {@code io.goroutines:type=Goroutines}, which
 * {@code -javaagent:goroutines.jar} registers shortly after start-up. A JVM without that MBean, or
 * whose dump is empty (no goroutine was ever started), runs no goroutines. Exit status 0 with the
 * dump, 1 when the JVM cannot be attached to, cannot be reached over JMX or runs no goroutines.
 */
@Command(name = "dump", description = {
    "Print every goroutine of a running JVM (started with -javaagent:goroutines.jar), in the format of",
    "Go.stack(true). The JVM must belong to the same user and allow attaching."})
final class DumpCommand implements Callable<Integer>
{
    /** The runtime's MBean, as {@code GoroutinesMBean.NAME} in the runtime module has it. */
    static final String MBEAN = "io.goroutines:type=Goroutines";

    /**
     * How long after the target's start its MBean may still be on its way (it is registered on a
     * thread of its own): until then a missing MBean is waited for, after it means no goroutines.
     */
    private static final long REGISTRATION_GRACE_MS = 5_000;

    /** Injected by Picocli. */
    @Spec
    private CommandSpec spec;

    /** The target. */
    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
    private long pid;

    /**
     * @return 0 with the dump printed, 1 on failure
     */
    @Override
    public Integer call()
    {
        final PrintWriter err = spec.commandLine().getErr();
        final VirtualMachine vm;
        try
        {
            vm = VirtualMachine.attach(Long.toString(pid));
        }
        catch (final Exception ex)
        {
            err.println("goroutines: cannot attach to JVM " + pid + ": " + ex.getMessage() +
                " (is it a JVM of this user, running without -XX:+DisableAttachMechanism?)");
            return 1;
        }
        final String address;
        try
        {
            address = vm.startLocalManagementAgent();
        }
        catch (final Exception ex)
        {
            return jmxFailed("its local management agent could not be started", ex);
        }
        finally
        {
            detach(vm);
        }
        final String dump;
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address)))
        {
            dump = dump(connector.getMBeanServerConnection());
        }
        catch (final Exception ex)
        {
            return jmxFailed("its local management agent at " + address + " did not answer", ex);
        }
        if (null == dump || dump.isEmpty())
        {
            err.println("goroutines: JVM " + pid + " runs no goroutines (start it with -javaagent:goroutines.jar)");
            return 1;
        }
        spec.commandLine().getOut().print(dump);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Calls {@code dump()} on the runtime's MBean, waiting for its registration while the target is
     * younger than {@link #REGISTRATION_GRACE_MS}.
     *
     * @param server the target's MBean server
     * @return the {@code debug=2} text, or null when the target has no such MBean
     * @throws Exception on a JMX failure
     */
    private static String dump(final MBeanServerConnection server) throws Exception
    {
        final ObjectName name = new ObjectName(MBEAN);
        if (!server.isRegistered(name))
        {
            final CountDownLatch registered = new CountDownLatch(1);
            final NotificationListener listener = (notification, handback) ->
            {
                if (notification instanceof MBeanServerNotification &&
                    name.equals(((MBeanServerNotification)notification).getMBeanName()))
                {
                    registered.countDown();
                }
            };
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
            try
            {
                final RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(server,
                    ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class);
                final long leftMs = REGISTRATION_GRACE_MS - runtime.getUptime();
                if (!server.isRegistered(name) && leftMs > 0) // registered between the two looks: no wait
                {
                    registered.await(leftMs, TimeUnit.MILLISECONDS);
                }
            }
            finally
            {
                server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
            }
        }
        try
        {
            return (String)server.invoke(name, "dump", new Object[0], new String[0]);
        }
        catch (final InstanceNotFoundException ex)
        {
            return null;
        }
    }

    /** Detaches, saying so on stderr should that fail: the dump can still go on. */
    private void detach(final VirtualMachine vm)
    {
        try
        {
            vm.detach();
        }
        catch (final IOException ex)
        {
            spec.commandLine().getErr().println("goroutines: could not detach from JVM " + pid + ": " + ex);
        }
    }

    /**
     * Says that the target could not be asked over JMX, and what to do instead.
     *
     * @param what what went wrong
     * @param ex   the failure
     * @return 1
     */
    private int jmxFailed(final String what, final Exception ex)
    {
        if (ex instanceof InterruptedException)
        {
            Thread.currentThread().interrupt();
        }
        spec.commandLine().getErr().println("goroutines: cannot read the goroutines of JVM " + pid + " over JMX: " +
            what + " (" + ex + "). Try again; if it keeps failing, start that JVM with" +
            " -javaagent:goroutines.jar=dumpSignal=USR2 and send it kill -USR2 " + pid + ", or with" +
            " debug=localhost:6060 and read /debug/goroutines");
        return 1;
    }
}
