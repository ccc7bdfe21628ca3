package io.goroutines.agent.transform;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Makes {@code @Goroutine public static void main(String[])} the main goroutine: when the JVM's
 * main thread enters it, it hands itself to the scheduler as goroutine 1 and the program ends when
 * that goroutine returns, as in Go.
 *
 * <pre>
 *   if (Sched.shouldStartMain()) { Sched.runMain(() -&gt; main(args)); return; }   // never returns
 *   ...the rewritten main...
 * </pre>
 * The {@code Task} is a LambdaMetafactory lambda whose forwarding frame calls {@code main}
 * directly, so the scheduler's armed call reaches the rewritten main with its token.
 */
final class MainLauncher
{
    private static final String SCHED = "io/goroutines/internal/sched/Sched";
    private static final String TASK = "io/goroutines/Task";
    private static final String MAIN_DESC = "([Ljava/lang/String;)V";

    private MainLauncher()
    {
    }

    /** Whether {@code m} is a {@code @Goroutine public static void main(String[])} that can be launched. */
    static boolean isGoroutineMain(final ClassNode cn, final MethodNode m)
    {
        if (!"main".equals(m.name) || !MAIN_DESC.equals(m.desc)
            || (m.access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC)) != (Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC)
            || (cn.version & 0xFFFF) < Opcodes.V1_8 || null == m.visibleAnnotations)
        {
            return false;
        }
        for (final AnnotationNode a : m.visibleAnnotations)
        {
            if (io.goroutines.agent.analysis.TypeHierarchy.GOROUTINE_DESC.equals(a.desc))
            {
                return true;
            }
        }
        return false;
    }

    /** Inserts the launch at the very start of {@code main}. */
    static void insert(final ClassNode cn, final MethodNode m)
    {
        final boolean iface = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        final LabelNode asCall = new LabelNode();
        final InsnList l = new InsnList();
        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SCHED, "shouldStartMain", "()Z", false));
        l.add(new JumpInsnNode(Opcodes.IFEQ, asCall));
        l.add(new VarInsnNode(Opcodes.ALOAD, 0));
        l.add(new InvokeDynamicInsnNode("run", "([Ljava/lang/String;)L" + TASK + ";",
            new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "metafactory",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false),
            Type.getType("()V"), new Handle(Opcodes.H_INVOKESTATIC, cn.name, "main", MAIN_DESC, iface),
            Type.getType("()V")));
        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SCHED, "runMain", "(L" + TASK + ";)V", false));
        l.add(new InsnNode(Opcodes.RETURN));
        l.add(asCall);
        m.instructions.insert(l);
    }
}
