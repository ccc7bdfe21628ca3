package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.TypeFrame;
import io.goroutines.agent.analysis.UninitValue;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Moves {@code NEW T; DUP} past the evaluation of the constructor's arguments when one of them may
 * suspend ({@code new Foo(f(), g())}): an uninitialised object cannot be saved into the frame
 * store, and the verifier would not accept a fresh one made on resume in its place.
 *
 * <pre>
 *   NEW T; DUP; &lt;args, may suspend&gt;; INVOKESPECIAL T.&lt;init&gt;
 * becomes
 *   &lt;args, may suspend&gt;; store args to fresh locals; NEW T; DUP; load args; INVOKESPECIAL T.&lt;init&gt;
 * </pre>
 * Moving the allocation changes nothing a program can observe: an uninitialised object cannot be
 * used before its constructor runs, and {@code NEW} itself has no side effect but a possible
 * {@code OutOfMemoryError} or class initialisation (which then happens after the arguments are
 * evaluated, as it would for a static factory method). Shapes other than {@code NEW; DUP} with both
 * copies directly under the arguments are left alone, and their suspending calls pin.
 */
final class NewRelocator
{
    private NewRelocator()
    {
    }

    /**
     * Relocates the allocations that are live across the given calls.
     *
     * @return whether anything changed (the method must then be analysed again)
     */
    static boolean relocate(final MethodNode method, final TypeFrame[] frames, final Set<MethodInsnNode> calls)
    {
        boolean changed = false;
        final AbstractInsnNode[] insns = method.instructions.toArray();
        final Map<AbstractInsnNode, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++)
        {
            index.put(insns[i], i);
        }
        final Set<AbstractInsnNode> done = new HashSet<>();
        for (final MethodInsnNode call : calls)
        {
            final TypeFrame frame = frames[index.get(call)];
            if (null == frame)
            {
                continue;
            }
            for (int s = 0; s < frame.getStackSize(); s++)
            {
                if (frame.getStack(s) instanceof UninitValue)
                {
                    final UninitValue u = (UninitValue) frame.getStack(s);
                    if (done.add(u.newInsn) && relocateOne(method, insns, frames, u))
                    {
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private static boolean relocateOne(final MethodNode method, final AbstractInsnNode[] insns,
        final TypeFrame[] frames, final UninitValue u)
    {
        final AbstractInsnNode dup = u.newInsn.getNext();
        if (null == dup || dup.getOpcode() != Opcodes.DUP)
        {
            return false;
        }
        MethodInsnNode init = null;
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i].getOpcode() == Opcodes.INVOKESPECIAL && "<init>".equals(((MethodInsnNode) insns[i]).name)
                && null != frames[i])
            {
                final MethodInsnNode m = (MethodInsnNode) insns[i];
                final int nargs = Type.getArgumentTypes(m.desc).length;
                final TypeFrame f = frames[i];
                final int size = f.getStackSize();
                if (size < nargs + 1 || !u.equals(f.getStack(size - 1 - nargs)))
                {
                    continue;
                }
                if (null != init || size < nargs + 2 || !u.equals(f.getStack(size - 2 - nargs))
                    || countCopies(f, u) != 2)
                {
                    return false; // not the plain NEW; DUP; args; <init> shape
                }
                init = m;
            }
        }
        if (null == init)
        {
            return false;
        }
        final Type[] args = Type.getArgumentTypes(init.desc);
        final int[] locals = new int[args.length];
        for (int a = 0; a < args.length; a++)
        {
            locals[a] = method.maxLocals;
            method.maxLocals += args[a].getSize();
        }
        final InsnList moved = new InsnList();
        for (int a = args.length - 1; a >= 0; a--)
        {
            moved.add(Emit.store(args[a], locals[a]));
        }
        moved.add(new TypeInsnNode(Opcodes.NEW, ((TypeInsnNode) u.newInsn).desc));
        moved.add(new InsnNode(Opcodes.DUP));
        for (int a = 0; a < args.length; a++)
        {
            moved.add(Emit.load(args[a], locals[a]));
        }
        method.instructions.insertBefore(init, moved);
        method.instructions.remove(dup);
        method.instructions.remove(u.newInsn);
        return true;
    }

    private static int countCopies(final TypeFrame f, final UninitValue u)
    {
        int n = 0;
        for (int i = 0; i < f.getStackSize(); i++)
        {
            if (u.equals(f.getStack(i)))
            {
                n++;
            }
        }
        for (int i = 0; i < f.getLocals(); i++)
        {
            if (u.equals(f.getLocal(i)))
            {
                n++;
            }
        }
        return n;
    }
}
