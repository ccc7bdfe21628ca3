package io.goroutines.agent.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Records what an installer asks of the JVM; {@link #retransformClasses} runs the retransformation-capable
 * transformers on the class files read from the class path, as the JVM would.
 */
final class FakeInstrumentation implements Instrumentation
{
    /** Registered transformers that may not retransform. */
    final List<ClassFileTransformer> plain = new ArrayList<>();
    /** Registered retransformation-capable transformers. */
    final List<ClassFileTransformer> retransforming = new ArrayList<>();
    /** Classes passed to retransformClasses. */
    final List<Class<?>> retransformed = new ArrayList<>();
    /** Receives "addTransformer" on each registration, to check the order against other events. */
    final List<String> events;
    /** What getAllLoadedClasses returns. */
    private final Class<?>[] loaded;

    FakeInstrumentation(final Class<?>... loaded)
    {
        this(new ArrayList<>(), loaded);
    }

    FakeInstrumentation(final List<String> events, final Class<?>... loaded)
    {
        this.events = events;
        this.loaded = loaded;
    }

    @Override
    public void addTransformer(final ClassFileTransformer transformer, final boolean canRetransform)
    {
        events.add("addTransformer");
        (canRetransform ? retransforming : plain).add(transformer);
    }

    @Override
    public void addTransformer(final ClassFileTransformer transformer)
    {
        addTransformer(transformer, false);
    }

    @Override
    public boolean removeTransformer(final ClassFileTransformer transformer)
    {
        return plain.remove(transformer) | retransforming.remove(transformer);
    }

    @Override
    public boolean isRetransformClassesSupported()
    {
        return true;
    }

    @Override
    public void retransformClasses(final Class<?>... classes)
    {
        for (final Class<?> type : classes)
        {
            retransformed.add(type);
            final byte[] classfile = classfile(type);
            for (final ClassFileTransformer transformer : retransforming)
            {
                try
                {
                    transformer.transform(type.getClassLoader(), type.getName().replace('.', '/'), type,
                        type.getProtectionDomain(), classfile);
                }
                catch (final IllegalClassFormatException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    @Override
    public boolean isRedefineClassesSupported()
    {
        return true;
    }

    @Override
    public void redefineClasses(final ClassDefinition... definitions)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isModifiableClass(final Class<?> theClass)
    {
        return !theClass.isPrimitive() && !theClass.isArray();
    }

    @Override
    public Class<?>[] getAllLoadedClasses()
    {
        return loaded.clone();
    }

    @Override
    public Class<?>[] getInitiatedClasses(final ClassLoader loader)
    {
        return new Class<?>[0];
    }

    @Override
    public long getObjectSize(final Object objectToSize)
    {
        return 16;
    }

    @Override
    public void appendToBootstrapClassLoaderSearch(final JarFile jarfile)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void appendToSystemClassLoaderSearch(final JarFile jarfile)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isNativeMethodPrefixSupported()
    {
        return false;
    }

    @Override
    public void setNativeMethodPrefix(final ClassFileTransformer transformer, final String prefix)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void redefineModule(
        final Module module,
        final Set<Module> extraReads,
        final Map<String, Set<Module>> extraExports,
        final Map<String, Set<Module>> extraOpens,
        final Set<Class<?>> extraUses,
        final Map<Class<?>, List<Class<?>>> extraProvides)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isModifiableModule(final Module module)
    {
        return true;
    }

    static byte[] classfile(final Class<?> type)
    {
        final String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource))
        {
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
