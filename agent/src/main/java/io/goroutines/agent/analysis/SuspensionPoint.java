package io.goroutines.agent.analysis;

import org.objectweb.asm.tree.MethodInsnNode;

/**
 * One place where a rewritten method may suspend: a call to a suspendable method.
 *
 * @param index      the call-site id, 0-based, in instruction order
 * @param call       the call instruction
 * @param frame      types before the call (arguments on top of the stack)
 * @param preemption a preemption point at a loop back-edge: the call is only made when the
 *                   goroutine's time slice is over
 * @param line       source line, or -1
 * @param live       locals read after the call before being written again: the ones a park saves
 */
public record SuspensionPoint(int index, MethodInsnNode call, TypeFrame frame, boolean preemption, int line,
    java.util.BitSet live)
{
}
