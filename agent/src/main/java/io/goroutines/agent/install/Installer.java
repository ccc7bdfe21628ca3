package io.goroutines.agent.install;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

/**
 * Installs the transform into the running JVM.
 *
 * <h2>Approach</h2>
 * One plain {@link ClassFileTransformer} ({@link GoroutineClassFileTransformer}) does the per-class
 * work: the {@link ClassFilter} on the name, then the transform on the bytes, which returns null when a
 * class has no goroutine work. How it is registered depends on the entry point:
 * <ul>
 *   <li>{@code premain}: directly, with {@link Instrumentation#addTransformer(ClassFileTransformer)}.
 *       Every class we care about is first defined after this point, so nothing needs
 *       retransforming, and the transformer is registered without that capability: the JVM bakes our
 *       output into the class, and an agent retransforming it later sees our version.</li>
 *   <li>{@code agentmain}: through ByteBuddy's {@code AgentBuilder} ({@link AttachInstaller}), for what
 *       it does well: find the classes loaded before the agent came, check they are modifiable,
 *       retransform them in batches that are split on failure, name each class that failed, and give
 *       back a resettable transformer.</li>
 * </ul>
 *
 * <h2>Rejected: AgentBuilder for premain too</h2>
 * Measured on a 2-core machine, Java 17: {@code AgentBuilder.installOn} loads about 870 ByteBuddy
 * classes and generates classes of its own (dispatchers, its executing transformer), 1.1 s added to
 * the start of every program; {@code addTransformer} costs nothing measurable. For {@code premain},
 * where there is nothing to retransform, ByteBuddy would add that second and no function.
 *
 * <h2>Rejected: ByteBuddy's transformation pipeline</h2>
 * {@code type(...).transform(...)} with an {@code AsmVisitorWrapper} would build a ByteBuddy type
 * description and type pool for every class the JVM loads, run our transform inside ByteBuddy's class
 * writer (ByteBuddy's parse, our parse and write, ByteBuddy's write) and return re-written bytes for
 * every matched class even when nothing changed. Our transform takes and returns class files, so a
 * class that is not ours costs the name filter and one ASM pass.
 *
 * <h2>First loads may add members</h2>
 * {@code disableClassFormatChanges()} is not used: on first definition the transform may add synthetic
 * methods; on retransformation it may not (see {@link GoroutineClassFileTransformer}).
 */
public final class Installer
{
    private Installer()
    {
    }

    /**
     * Registers the transformer.
     *
     * @param instrumentation from {@code premain}/{@code agentmain}
     * @param filter          which classes to look at
     * @param rewriter        the transform
     * @param log             receives warnings, one line each
     * @param verbose         log each rewritten class
     * @param attached        true from {@code agentmain}: classes already loaded are retransformed
     * @return the registered transformer, for {@link Instrumentation#removeTransformer}
     * @throws IllegalStateException if the JVM refuses the installation
     */
    public static ClassFileTransformer install(
        final Instrumentation instrumentation,
        final ClassFilter filter,
        final ClassRewriter rewriter,
        final Consumer<String> log,
        final boolean verbose,
        final boolean attached)
    {
        final GoroutineClassFileTransformer transformer = new GoroutineClassFileTransformer(filter, rewriter, log, verbose);
        if (attached)
        {
            return AttachInstaller.install(instrumentation, transformer, filter, log);
        }
        instrumentation.addTransformer(transformer);
        return transformer;
    }
}
