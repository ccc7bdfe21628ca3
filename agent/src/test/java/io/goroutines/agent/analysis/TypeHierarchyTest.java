package io.goroutines.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class TypeHierarchyTest
{
    /** Class files served as resources only: nothing is ever loaded or defined. */
    private static final class Resources extends ClassLoader
    {
        private final Map<String, byte[]> files;

        Resources(final Map<String, byte[]> files)
        {
            super(null);
            this.files = files;
        }

        @Override
        public InputStream getResourceAsStream(final String name)
        {
            final byte[] b = files.get(name);
            return null == b ? null : new ByteArrayInputStream(b);
        }
    }

    /** A class {@code name} with {@code void m()}, annotated {@code @Goroutine} when asked. */
    private static byte[] withM(final String name, final boolean goroutine)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "m", "()V", null, null);
        if (goroutine)
        {
            mv.visitAnnotation(TypeHierarchy.GOROUTINE_DESC, false).visitEnd();
        }
        mv.visitCode();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void shouldAnswerForADefinedClassFromTheBytesItIsDefinedWithAndKeepTheOtherAnswers()
    {
        final TypeHierarchy h = TypeHierarchy.of(new Resources(Map.of(
            "t/Changed.class", withM("t/Changed", false),
            "t/Other.class", withM("t/Other", true),
            "t/Plain.class", withM("t/Plain", false))));
        assertFalse(h.isSuspendable("t/Changed", "m", "()V"), "its resource has no @Goroutine");
        assertTrue(h.isSuspendable("t/Other", "m", "()V"));
        assertFalse(h.isSuspendable("t/Plain", "m", "()V"));

        // defined with bytes that differ from its resource (another agent changed them): they count
        h.define(TypeHierarchy.parse(withM("t/Changed", true)));

        assertTrue(h.isSuspendable("t/Changed", "m", "()V"), "the bytes it was defined with have @Goroutine");
        assertTrue(h.isSuspendable("t/Other", "m", "()V"));
        assertFalse(h.isSuspendable("t/Plain", "m", "()V"));
    }

    @Test
    void shouldForgetTheAnswersOfEachClassDefinedAmongMany()
    {
        final int n = 2_000;
        final Map<String, byte[]> files = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            files.put("t/C" + i + ".class", withM("t/C" + i, false));
        }
        final TypeHierarchy h = TypeHierarchy.of(new Resources(files));
        for (int i = 0; i < n; i++)
        {
            assertFalse(h.isSuspendable("t/C" + i, "m", "()V"));
        }
        for (int i = 0; i < n; i += 2)
        {
            h.define(TypeHierarchy.parse(withM("t/C" + i, true)));
        }
        for (int i = 0; i < n; i++)
        {
            assertEquals(0 == i % 2, h.isSuspendable("t/C" + i, "m", "()V"), "t/C" + i);
        }
    }
}
