package io.goroutines.agent.install;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.AgentBuilder.RedefinitionStrategy;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Installation for {@code agentmain}, into a JVM that already loaded classes, with ByteBuddy's
 * {@link AgentBuilder} (see {@link Installer} for why only there).
 * <p>
 * The builder's {@code TransformerDecorator} swaps the transformer ByteBuddy built for ours before
 * it is registered (retransformation-capable), so ByteBuddy's own per-class work never runs; what it
 * contributes is the retransformation of the classes already loaded: discovery through the
 * {@link ClassFilter} (as an ignore matcher), modifiability checks, batches of
 * {@value #RETRANSFORM_BATCH} that are split on failure, and a warning naming each class that could
 * not be retransformed (it keeps running unchanged).
 */
final class AttachInstaller
{
    /** Classes per retransformation batch. */
    static final int RETRANSFORM_BATCH = 50;

    private AttachInstaller()
    {
    }

    /**
     * @param instrumentation from {@code agentmain}
     * @param transformer     the per-class work
     * @param filter          which classes to retransform
     * @param log             receives warnings, one line each
     * @return the registered transformer
     */
    static ResettableClassFileTransformer install(
        final Instrumentation instrumentation,
        final ClassFileTransformer transformer,
        final ClassFilter filter,
        final Consumer<String> log)
    {
        return new AgentBuilder.Default()
            .with(RedefinitionStrategy.RETRANSFORMATION)
            .with(RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(RETRANSFORM_BATCH))
            .with(new RedefinitionStrategy.Listener.Compound(
                RedefinitionStrategy.Listener.BatchReallocator.splitting(), new RetransformWarnings(log)))
            .with((AgentBuilder.TransformerDecorator)(byteBuddys) -> new Delegating(byteBuddys, transformer))
            .ignore(new Ignored(filter))
            .type(ElementMatchers.any())
            .transform((builder, type, loader, module, protectionDomain) -> builder)
            .installOn(instrumentation);
    }

    /** Our transformer, with ByteBuddy's kept only for its reset bookkeeping. */
    private static final class Delegating extends ResettableClassFileTransformer.WithDelegation
    {
        private final ClassFileTransformer transformer;

        Delegating(final ResettableClassFileTransformer byteBuddys, final ClassFileTransformer transformer)
        {
            super(byteBuddys);
            this.transformer = transformer;
        }

        @Override
        public byte[] transform(
            final ClassLoader loader,
            final String internalName,
            final Class<?> classBeingRedefined,
            final ProtectionDomain protectionDomain,
            final byte[] classfile) throws java.lang.instrument.IllegalClassFormatException
        {
            return transformer.transform(loader, internalName, classBeingRedefined, protectionDomain, classfile);
        }
    }

    /** ByteBuddy's view of the {@link ClassFilter}: which loaded classes not to retransform. */
    private static final class Ignored implements AgentBuilder.RawMatcher
    {
        private final ClassFilter filter;

        Ignored(final ClassFilter filter)
        {
            this.filter = filter;
        }

        @Override
        public boolean matches(
            final TypeDescription typeDescription,
            final ClassLoader classLoader,
            final JavaModule module,
            final Class<?> classBeingRedefined,
            final ProtectionDomain protectionDomain)
        {
            return !filter.accepts(classLoader, typeDescription.getInternalName());
        }
    }

    /** Names the classes that could not be retransformed, once failed batches were split down to one. */
    private static final class RetransformWarnings extends RedefinitionStrategy.Listener.Adapter
    {
        private final Consumer<String> log;

        RetransformWarnings(final Consumer<String> log)
        {
            this.log = log;
        }

        @Override
        public Iterable<? extends List<Class<?>>> onError(
            final int index, final List<Class<?>> batch, final Throwable throwable, final List<Class<?>> types)
        {
            if (batch.size() == 1)
            {
                log.accept("goroutines: could not retransform " + batch.get(0).getName() + ", which was loaded" +
                    " before the agent (" + throwable + "); it runs unchanged, so its @Goroutine methods, if any," +
                    " will pin");
            }
            return Collections.emptyList();
        }
    }
}
