package io.goroutines.it.apps;

import java.lang.management.ManagementFactory;

import javax.management.ObjectName;

import io.goroutines.internal.jit.InliningDirective;

/**
 * Prints what became of the agent's compiler directive ({@link InliningDirective#outcome}) and the
 * JVM's directive stack as {@code jcmd PID Compiler.directives_print} shows it.
 */
public final class InliningApp
{
    /** Starts the line of the outcome. */
    public static final String OUTCOME = "outcome: ";
    /** Starts the JVM's own listing. */
    public static final String PRINTED = "directives:";

    private InliningApp()
    {
    }

    /**
     * @param args none
     * @throws Exception when the JVM's diagnostic command cannot be called
     */
    public static void main(final String[] args) throws Exception
    {
        System.out.println(OUTCOME + InliningDirective.outcome(30_000));
        System.out.println(PRINTED);
        System.out.println(ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
            new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }
}
