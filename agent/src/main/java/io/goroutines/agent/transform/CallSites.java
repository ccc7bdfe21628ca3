package io.goroutines.agent.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The call instructions of a method that a predicate picks, each with its source line: the calls a
 * report names when a whole method pins (synchronized, left as it was, never rewritten).
 */
final class CallSites
{
    private CallSites()
    {
    }

    /**
     * The calls of {@code m} that {@code which} accepts, in instruction order, as report sites.
     *
     * @param owner the class declaring {@code m}
     * @param m     the method, with its original code
     * @param which picks the calls
     * @return one site per picked call, with the line of the nearest line number before it
     */
    static List<Site> of(final ClassNode owner, final MethodNode m, final Predicate<MethodInsnNode> which)
    {
        final List<Site> out = new ArrayList<>();
        int line = -1;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof LineNumberNode)
            {
                line = ((LineNumberNode) insn).line;
            }
            else if (insn instanceof MethodInsnNode && which.test((MethodInsnNode) insn))
            {
                out.add(new Site((MethodInsnNode) insn, site(owner, m, line)));
            }
        }
        return out;
    }

    /**
     * @return the report site of {@code m} at {@code line}
     */
    static CodeSite site(final ClassNode owner, final MethodNode m, final int line)
    {
        return new CodeSite(owner.name, m.name, m.desc, owner.sourceFile, line);
    }

    /**
     * @return the first source line of {@code m}, or -1 when it has none
     */
    static int firstLine(final MethodNode m)
    {
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof LineNumberNode)
            {
                return ((LineNumberNode) insn).line;
            }
        }
        return -1;
    }

    /**
     * @return {@code com.example.Worker.run}: how a report names the callee of {@code call}
     */
    static String callee(final MethodInsnNode call)
    {
        return call.owner.replace('/', '.') + "." + call.name;
    }

    /**
     * A picked call.
     *
     * @param call the call instruction
     * @param at   where it is
     */
    record Site(MethodInsnNode call, CodeSite at)
    {
    }
}
