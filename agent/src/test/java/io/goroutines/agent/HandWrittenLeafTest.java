package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The runtime's hand-written leaves ({@code @Leaf}: {@code Chan.send}, {@code Chan.recv},
 * {@code Waiter.await}, {@code WaitGroup.await}, {@code Select.select}) are left as they are, while
 * calls to them stay suspension points; the marker counts only in the runtime's classes.
 */
class HandWrittenLeafTest
{
    private static final String LEAF = "Lio/goroutines/internal/sched/Leaf;";
    private static final String G = "io/goroutines/internal/sched/G";
    private static final String CARRIER = "io/goroutines/internal/sched/Carrier";

    @Test
    void shouldLeaveChanSendAndRecvAsTheyAreAndArmTheCallsToThem() throws IOException
    {
        final byte[] original = classFile("io/goroutines/Chan");
        final List<String> warnings = new ArrayList<>();
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transformOrThrow(getClass().getClassLoader(), "io/goroutines/Chan", original);
        assertNotNull(out, "Chan has rewritten methods (recvOk, range)");
        assertTrue(warnings.isEmpty(), warnings.toString());
        final ClassNode before = read(original);
        final ClassNode after = read(out);
        for (final String leaf : List.of("send(Ljava/lang/Object;)V", "recv()Ljava/lang/Object;"))
        {
            final MethodNode was = method(before, leaf);
            final MethodNode is = method(after, leaf);
            assertTrue(was.visibleAnnotations.stream().anyMatch(a -> LEAF.equals(a.desc)), leaf + " is a @Leaf");
            assertEquals(calls(was), calls(is), leaf + " is left as it was");
            assertEquals(0, callsTo(is, G, "push"), leaf + " saves no frame");
        }
        final MethodNode recvOk = method(after, "recvOk()Lio/goroutines/Received;");
        assertEquals(1, arms(recvOk), "recvOk arms its call to recv");
        assertEquals(1, callsTo(recvOk, G, "push"), "and saves its frame when recv parks");
        final StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(out), getClass().getClassLoader(), false, new PrintWriter(problems));
        assertEquals("", problems.toString(), "ASM's verifier on the rewritten Chan");
    }

    @Test
    void shouldLeaveWaiterAwaitWaitGroupAwaitAndSelectAsTheyAreAndArmTheCallsToThem() throws IOException
    {
        final String waiterAwait = "await(Lio/goroutines/internal/sched/RtLock;Ljava/lang/Object;)V";
        assertLeftAsItIs("io/goroutines/internal/sched/Waiter", waiterAwait);
        assertLeftAsItIs("io/goroutines/sync/WaitGroup", "await()V");
        assertLeftAsItIs("io/goroutines/Select", "select([Lio/goroutines/Select$Case;)V");
        final List<String> warnings = new ArrayList<>();
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transformOrThrow(getClass().getClassLoader(), "io/goroutines/sync/Cond", classFile("io/goroutines/sync/Cond"));
        assertNotNull(out, "Cond.await is rewritten");
        assertTrue(warnings.isEmpty(), warnings.toString());
        final MethodNode await = method(read(out), "await()V");
        int armed = 0;
        int plain = 0;
        for (final AbstractInsnNode insn : await.instructions)
        {
            if (insn instanceof MethodInsnNode && "io/goroutines/internal/sched/Waiter".equals(((MethodInsnNode) insn).owner)
                && (((MethodInsnNode) insn).name + ((MethodInsnNode) insn).desc).equals(waiterAwait))
            {
                if (isArm(insn.getPrevious()))
                {
                    armed++;
                }
                else
                {
                    plain++;
                }
            }
        }
        assertEquals(1, armed, "Cond.await arms its call to Waiter.await");
        assertEquals(1, plain, "and its plain copy (a frame entered from plain code) calls it unarmed");
        assertTrue(callsTo(await, G, "push") >= 1, "and saves its frame when the waiter parks");
        final StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(out), getClass().getClassLoader(), false, new PrintWriter(problems));
        assertEquals("", problems.toString(), "ASM's verifier on the rewritten Cond");
    }

    /** How many calls {@code m} arms: stores of a call token into the carrier's signal word. */
    private static int arms(final MethodNode m)
    {
        int n = 0;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn.getOpcode() >= 0 && isArm(insn))
            {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether {@code insn}, or the first real instruction before it, arms a call: {@code c.sig = token}
     * (a constant with the low bits of SIG_CALL), or the helper {@code G.arm}.
     */
    private static boolean isArm(final AbstractInsnNode insn)
    {
        AbstractInsnNode at = insn;
        while (null != at && at.getOpcode() < 0)
        {
            at = at.getPrevious();
        }
        if (at instanceof MethodInsnNode)
        {
            return G.equals(((MethodInsnNode) at).owner) && "arm".equals(((MethodInsnNode) at).name);
        }
        if (!(at instanceof FieldInsnNode) || at.getOpcode() != Opcodes.PUTFIELD
            || !CARRIER.equals(((FieldInsnNode) at).owner) || !"sig".equals(((FieldInsnNode) at).name))
        {
            return false;
        }
        final AbstractInsnNode value = at.getPrevious();
        return value instanceof LdcInsnNode && ((LdcInsnNode) value).cst instanceof Integer
            && (((Integer) ((LdcInsnNode) value).cst) & 3) == 1;
    }

    /** {@code owner}'s {@code nameAndDesc} is a {@code @Leaf}, and the transform leaves it as it was. */
    private void assertLeftAsItIs(final String owner, final String nameAndDesc) throws IOException
    {
        final byte[] original = classFile(owner);
        final MethodNode was = method(read(original), nameAndDesc);
        assertTrue(was.visibleAnnotations.stream().anyMatch(a -> LEAF.equals(a.desc)), owner + "." + nameAndDesc + " is a @Leaf");
        final byte[] rewritten = new GoroutineTransformer(TransformConfig.defaults(), w -> { })
            .transformOrThrow(getClass().getClassLoader(), owner, original);
        if (null != rewritten)
        {
            final MethodNode is = method(read(rewritten), nameAndDesc);
            assertEquals(calls(was), calls(is), owner + "." + nameAndDesc + " is left as it was");
            assertEquals(0, callsTo(is, G, "push"), owner + "." + nameAndDesc + " saves no frame");
        }
    }

    @Test
    void shouldHonourTheMarkerOnlyInTheRuntimesClasses()
    {
        final TransformConfig config = TransformConfig.defaults();
        final ClassLoader loader = getClass().getClassLoader();
        assertNull(new GoroutineTransformer(config, w -> { }).transformOrThrow(loader, "io/goroutines/FakeLeaf",
            taskWithLeafRun("io/goroutines/FakeLeaf")), "a runtime class's @Leaf run() is left as it is");
        final byte[] user = new GoroutineTransformer(config, w -> { }).transformOrThrow(loader, "com/example/FakeLeaf",
            taskWithLeafRun("com/example/FakeLeaf"));
        assertNotNull(user, "elsewhere the marker is ignored: run() implements Task.run, so it is rewritten");
        assertEquals(1, callsTo(method(read(user), "run()V"), G, "push"), "with a frame saved when Suspend.park parks");
    }

    /** A class implementing {@code io.goroutines.Task} whose {@code run()} is marked {@code @Leaf} and parks. */
    private static byte[] taskWithLeafRun(final String name)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
            new String[] {"io/goroutines/Task"});
        final MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        final MethodVisitor run = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
        run.visitAnnotation(LEAF, true).visitEnd();
        run.visitCode();
        run.visitMethodInsn(Opcodes.INVOKESTATIC, "io/goroutines/internal/sched/Suspend", "park", "()V", false);
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private byte[] classFile(final String name) throws IOException
    {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name + ".class"))
        {
            assertNotNull(in, name + ".class on the test class path");
            return in.readAllBytes();
        }
    }

    private static ClassNode read(final byte[] b)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(b).accept(cn, ClassReader.SKIP_FRAMES);
        return cn;
    }

    private static MethodNode method(final ClassNode cn, final String nameAndDesc)
    {
        return cn.methods.stream().filter(m -> nameAndDesc.equals(m.name + m.desc)).findFirst()
            .orElseThrow(() -> new AssertionError(cn.name + " has no " + nameAndDesc));
    }

    private static List<String> calls(final MethodNode m)
    {
        final List<String> out = new ArrayList<>();
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof MethodInsnNode)
            {
                final MethodInsnNode call = (MethodInsnNode) insn;
                out.add(call.owner + "." + call.name + call.desc);
            }
        }
        return out;
    }

    private static int callsTo(final MethodNode m, final String owner, final String name)
    {
        int n = 0;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof MethodInsnNode && owner.equals(((MethodInsnNode) insn).owner)
                && name.equals(((MethodInsnNode) insn).name))
            {
                n++;
            }
        }
        return n;
    }
}
