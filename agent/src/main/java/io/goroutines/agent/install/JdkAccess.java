package io.goroutines.agent.install;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Opens the one JDK-internal package the runtime reaches into: {@code jdk.management}'s
 * {@code com.sun.management.internal}, whose {@code DiagnosticCommandImpl} runs a diagnostic command
 * ({@code Compiler.directives_add}) in a few milliseconds, where the public route through the
 * platform MBean server first spends 0.2-0.3 s starting that server (the runtime's
 * {@code DiagnosticCommands} says more).
 * <p>
 * It is opened to the module of the agent's own classes (the runtime's classes share it) with
 * {@link Instrumentation#redefineModule}, which an agent may do and the command line would otherwise
 * have to do ({@code --add-opens}). Where that cannot be done (a JVM without the module, one that
 * refuses), nothing is opened and the runtime takes the public route: nothing is logged, nothing
 * fails.
 */
final class JdkAccess
{
    /** The module. */
    static final String MODULE = "jdk.management";
    /** Its package. */
    static final String PACKAGE = "com.sun.management.internal";

    private JdkAccess()
    {
    }

    /**
     * Opens {@link #PACKAGE} to {@code to}, when the JVM has it and lets the agent; else does nothing.
     *
     * @param instrumentation the agent's instrumentation
     * @param to              the module to open it to (the agent's and runtime's)
     */
    static void openDiagnosticCommands(final Instrumentation instrumentation, final Module to)
    {
        final Module module = ModuleLayer.boot().findModule(MODULE).orElse(null);
        if (null == module || !module.getPackages().contains(PACKAGE) || module.isOpen(PACKAGE, to) ||
            !instrumentation.isModifiableModule(module))
        {
            return;
        }
        try
        {
            instrumentation.redefineModule(module, Set.of(), Map.of(), Map.of(PACKAGE, Set.of(to)), Set.of(), Map.of());
        }
        catch (final RuntimeException ex)
        {
            // refused: the runtime finds the package closed and takes the public route
        }
    }
}
