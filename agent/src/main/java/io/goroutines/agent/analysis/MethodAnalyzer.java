package io.goroutines.agent.analysis;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * Runs the type analysis over one method: for every instruction, the types of the locals and of
 * the operand stack before it executes, the uninitialised objects among them, and the monitors
 * held. Never loads a class.
 */
public final class MethodAnalyzer
{
    private MethodAnalyzer()
    {
    }

    /**
     * Analyses {@code method} of {@code owner}.
     *
     * @param verify also check assignability as the JVM's verifier would
     * @return one frame per instruction, null for unreachable ones
     * @throws AnalyzerException    when the code is inconsistent (or fails verification)
     * @throws UnknownTypeException when a class file it needs cannot be found
     */
    public static TypeFrame[] analyze(final TypeHierarchy hierarchy, final ClassNode owner, final MethodNode method,
        final boolean verify) throws AnalyzerException
    {
        final TypeInterpreter interpreter = new TypeInterpreter(hierarchy, Type.getObjectType(owner.name),
            null == owner.superName ? null : Type.getObjectType(owner.superName),
            (owner.access & Opcodes.ACC_INTERFACE) != 0, verify);
        final Analyzer<BasicValue> analyzer = new Analyzer<>(interpreter)
        {
            @Override
            protected Frame<BasicValue> newFrame(final int numLocals, final int numStack)
            {
                return new TypeFrame(numLocals, numStack);
            }

            @Override
            protected Frame<BasicValue> newFrame(final Frame<? extends BasicValue> frame)
            {
                return new TypeFrame(frame);
            }
        };
        final Frame<BasicValue>[] frames = analyzer.analyze(owner.name, method);
        final TypeFrame[] out = new TypeFrame[frames.length];
        for (int i = 0; i < frames.length; i++)
        {
            out[i] = (TypeFrame) frames[i];
        }
        return out;
    }
}
