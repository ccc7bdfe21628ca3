package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import io.goroutines.corpus.Effects;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** What the transform does with classes and methods it cannot rewrite: leave them working, and say so. */
class FallbackTest
{
    private static final String GOROUTINE = "Lio/goroutines/annotation/Goroutine;";

    /** A class with a @Goroutine method of {@code sites} suspendable calls, summed. */
    private static byte[] hugeClass(final String name, final int sites)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "huge", "()I", null, null);
        mv.visitAnnotation(GOROUTINE, true).visitEnd();
        mv.visitCode();
        mv.visitInsn(Opcodes.ICONST_0);
        for (int i = 0; i < sites; i++)
        {
            mv.visitIntInsn(Opcodes.SIPUSH, i % 1000);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/goroutines/corpus/Effects", "f", "(I)I", false);
            mv.visitInsn(Opcodes.IADD);
        }
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static final class Definer extends ClassLoader
    {
        Definer(final ClassLoader parent)
        {
            super(parent);
        }

        Class<?> define(final String name, final byte[] b)
        {
            return defineClass(name.replace('/', '.'), b, 0, b.length);
        }
    }

    @Test
    void shouldLeaveAMethodThatWouldExceed64KbAsItWasWithAWarning() throws Exception
    {
        final String name = "gen/Huge";
        final byte[] original = hugeClass(name, 4000);
        assertTrue(original.length < 65_535, "the original fits: " + original.length);
        final List<String> warnings = new ArrayList<>();
        final Definer loader = new Definer(getClass().getClassLoader());
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transform(loader, name, original, true);

        assertNotNull(out, "the class is still given its token-taking entry");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("gen.Huge.huge()I") && warnings.get(0).contains("64 KB"),
            warnings.get(0));
        final ClassNode cn = new ClassNode();
        new ClassReader(out).accept(cn, 0);
        final MethodNode huge = cn.methods.stream().filter(m -> m.name.equals("huge")).findFirst().orElseThrow();
        final MethodInsnNode first = (MethodInsnNode) huge.instructions.getFirst().getNext();
        assertEquals("consume", first.name, "only the token is taken at entry");

        Effects.reset();
        final Object sum = loader.define(name, out).getMethod("huge").invoke(null);
        long expected = 0;
        for (int i = 0; i < 4000; i++)
        {
            expected += i % 1000 + 1;
        }
        assertEquals((int) expected, sum);
        assertEquals(4000, Effects.count);
    }

    @Test
    void shouldRewriteAMethodWithoutItsPlainCopyWhenTheCopyWouldExceed64Kb() throws Exception
    {
        // the rewrite adds more per call site than the site's own 7 bytes: somewhere between these
        // sizes the rewritten method fits in 64 KB, but not with the original code kept beside it
        final List<String> warnings = new ArrayList<>();
        int sites = -1;
        byte[] out = null;
        for (int n = 1000; n <= 4000 && sites < 0; n += 25)
        {
            warnings.clear();
            final byte[] b = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
                .transform(new Definer(getClass().getClassLoader()), "gen/Big", hugeClass("gen/Big", n), true);
            final int calls = callsToF(b);
            assertTrue(warnings.isEmpty() || calls == 0, "a warning only for a method left plain: " + warnings);
            if (calls == n)
            {
                sites = n;
                out = b;
            }
            else if (calls == 0)
            {
                break;
            }
            else
            {
                assertEquals(2 * n, calls, n + " sites: rewritten with its plain copy");
            }
        }
        assertTrue(sites > 0, "some size is rewritten without its copy before it is too large to rewrite");
        final java.io.StringWriter problems = new java.io.StringWriter();
        org.objectweb.asm.util.CheckClassAdapter.verify(new ClassReader(out), getClass().getClassLoader(), false,
            new java.io.PrintWriter(problems));
        assertEquals("", problems.toString(), "ASM's verifier");

        Effects.reset();
        final Object sum = new Definer(getClass().getClassLoader()).define("gen/Big", out).getMethod("huge").invoke(null);
        long expected = 0;
        for (int i = 0; i < sites; i++)
        {
            expected += i % 1000 + 1;
        }
        assertEquals((int) expected, sum, "it runs as plain code on a plain thread, through the rewritten body");
        assertEquals(sites, Effects.count);
    }

    /** Calls to {@code Effects.f} in {@code gen.Big.huge()}: once per site, twice with its plain copy. */
    private static int callsToF(final byte[] classFile)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, 0);
        final MethodNode huge = cn.methods.stream().filter(m -> m.name.equals("huge")).findFirst().orElseThrow();
        int n = 0;
        for (final org.objectweb.asm.tree.AbstractInsnNode insn : huge.instructions)
        {
            if (insn instanceof MethodInsnNode && "f".equals(((MethodInsnNode) insn).name))
            {
                n++;
            }
        }
        return huge.instructions.getFirst().getNext() instanceof MethodInsnNode
            && "consume".equals(((MethodInsnNode) huge.instructions.getFirst().getNext()).name) ? 0 : n;
    }

    @Test
    void shouldLeaveAMethodWhoseFrameARecordCannotHoldAsItWasWithAWarning() throws Exception
    {
        // 4,096 ints on the operand stack under one suspendable call: one more than a frame record counts
        final int values = 4096;
        final String name = "gen/Wide";
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "wide", "()I", null, null);
        mv.visitAnnotation(GOROUTINE, true).visitEnd();
        mv.visitCode();
        for (int i = 0; i < values; i++)
        {
            mv.visitInsn(Opcodes.ICONST_1);
        }
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/goroutines/corpus/Effects", "f", "(I)I", false);
        for (int i = 0; i < values; i++)
        {
            mv.visitInsn(Opcodes.IADD);
        }
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        final List<String> warnings = new ArrayList<>();
        final Definer loader = new Definer(getClass().getClassLoader());
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transform(loader, name, cw.toByteArray(), true);

        assertNotNull(out, "the class is still given its token-taking entry");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("gen.Wide.wide()I") && warnings.get(0).contains("saves 4096 primitive")
            && warnings.get(0).contains("holds 4095"), warnings.get(0));
        Effects.reset();
        assertEquals(values + 3, loader.define(name, out).getMethod("wide").invoke(null), "f(2) is 3");
        assertEquals(1, Effects.count);
    }

    @Test
    void shouldLeaveAClassItCannotReadAsItWasWithAWarning()
    {
        final List<String> warnings = new ArrayList<>();
        final byte[] garbage = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 1, 2, 3};
        assertNull(new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transform(getClass().getClassLoader(), "gen/Broken", garbage, true));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("goroutines: class gen.Broken left as it was: "), warnings.get(0));
    }

    @Test
    void shouldRewriteAClassWhoseSupertypeCannotBeFoundOnlyWhereItKnowsTheTypes()
    {
        // a @Goroutine method whose locals merge two unknown types: the analysis cannot type them
        final ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Unknown", null, "java/lang/Object", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m",
            "(ZLmissing/A;Lmissing/B;)I", null, null);
        mv.visitAnnotation(GOROUTINE, true).visitEnd();
        mv.visitCode();
        final org.objectweb.asm.Label other = new org.objectweb.asm.Label();
        final org.objectweb.asm.Label join = new org.objectweb.asm.Label();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFEQ, other);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitJumpInsn(Opcodes.GOTO, join);
        mv.visitLabel(other);
        mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitLabel(join);
        mv.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
        mv.visitVarInsn(Opcodes.ASTORE, 3);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/goroutines/corpus/Effects", "f", "(I)I", false);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(2, 4);
        mv.visitEnd();
        cw.visitEnd();
        final List<String> warnings = new ArrayList<>();
        final byte[] original = cw.toByteArray();
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transform(getClass().getClassLoader(), "gen/Unknown", original, true);
        assertNotNull(out, "the method still takes the caller's token");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("gen.Unknown") && w.contains("missing.")),
            warnings.toString());
        final MethodNode before = method(original, "m");
        final MethodNode after = method(out, "m");
        assertEquals("consume", ((MethodInsnNode) after.instructions.getFirst().getNext()).name);
        assertEquals(before.instructions.size() + 2, after.instructions.size(),
            "nothing but the token take (the token, the call) was added");
    }

    private static MethodNode method(final byte[] classfile, final String name)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classfile).accept(cn, 0);
        return cn.methods.stream().filter(x -> x.name.equals(name)).findFirst().orElseThrow();
    }
}
