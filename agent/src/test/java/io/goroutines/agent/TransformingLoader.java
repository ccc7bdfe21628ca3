package io.goroutines.agent;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Loads the classes under the given package prefixes child-first, through the transform, and checks
 * every class the transform emits with ASM's {@link CheckClassAdapter} before defining it (the JVM
 * verifier then checks it again). Everything else comes from the parent, so the runtime's
 * internals are shared with the test.
 */
final class TransformingLoader extends ClassLoader
{
    private final String[] prefixes;
    private final GoroutineTransformer transformer;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> transformed = new ArrayList<>();

    TransformingLoader(final ClassLoader parent, final TransformConfig config, final String... prefixes)
    {
        super(parent);
        this.prefixes = prefixes;
        this.transformer = new GoroutineTransformer(config, warnings::add);
    }

    List<String> warnings()
    {
        return warnings;
    }

    List<String> transformed()
    {
        return transformed;
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        synchronized (getClassLoadingLock(name))
        {
            Class<?> c = findLoadedClass(name);
            if (null == c)
            {
                if (!mine(name))
                {
                    return super.loadClass(name, resolve);
                }
                c = define(name);
            }
            if (resolve)
            {
                resolveClass(c);
            }
            return c;
        }
    }

    private boolean mine(final String name)
    {
        for (final String p : prefixes)
        {
            if (name.startsWith(p))
            {
                return true;
            }
        }
        return false;
    }

    private Class<?> define(final String name) throws ClassNotFoundException
    {
        final String internal = name.replace('.', '/');
        final byte[] original;
        try (InputStream in = getParent().getResourceAsStream(internal + ".class"))
        {
            if (null == in)
            {
                throw new ClassNotFoundException(name);
            }
            original = in.readAllBytes();
        }
        catch (final IOException e)
        {
            throw new ClassNotFoundException(name, e);
        }
        byte[] bytes = transformer.transformOrThrow(this, internal, original);
        if (null == bytes)
        {
            bytes = original;
        }
        else
        {
            transformed.add(name);
            check(name, bytes);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** ASM's verifier over an emitted class; fails the test with ASM's report. */
    void check(final String name, final byte[] bytes)
    {
        final StringWriter report = new StringWriter();
        // type questions are answered by the parent's (untransformed) classes: asking this loader
        // while it defines a class would be circular
        CheckClassAdapter.verify(new ClassReader(bytes), getParent(), false, new PrintWriter(report));
        if (report.getBuffer().length() > 0)
        {
            throw new AssertionError("CheckClassAdapter rejected " + name + ":\n" + report);
        }
    }
}
