package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** The shape of the code the transform emits, where it matters for the JIT (method size). */
class GeneratedCodeTest
{
    private static final String SHAPES = "io/goroutines/corpus/Shapes";

    @Test
    void shouldEmitNoJumpToTheNextInstruction() throws IOException
    {
        final byte[] original;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SHAPES + ".class"))
        {
            assertNotNull(in, SHAPES + ".class on the test class path");
            original = in.readAllBytes();
        }
        final List<String> warnings = new ArrayList<>();
        final byte[] out = new GoroutineTransformer(TransformConfig.defaults(), warnings::add)
            .transform(getClass().getClassLoader(), SHAPES, original, true);
        assertNotNull(out, "Shapes is rewritten");

        final ClassNode before = read(original);
        final ClassNode after = read(out);
        int rewritten = 0;
        final List<String> offenders = new ArrayList<>();
        for (final MethodNode m : after.methods)
        {
            final MethodNode was = before.methods.stream()
                .filter(o -> o.name.equals(m.name) && o.desc.equals(m.desc)).findFirst().orElse(null);
            if (null != was && m.instructions.size() > was.instructions.size() + 20)
            {
                rewritten++;
                if (jumpsToNext(m) > jumpsToNext(was))
                {
                    offenders.add(m.name + m.desc);
                }
            }
        }
        assertTrue(rewritten >= 50, "methods rewritten with a state machine: " + rewritten);
        assertTrue(offenders.isEmpty(), "GOTOs to the next instruction added in " + offenders);
    }

    private static ClassNode read(final byte[] b)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(b).accept(cn, ClassReader.SKIP_FRAMES);
        return cn;
    }

    /** GOTOs whose target is the next real instruction (only labels, lines and frames between). */
    private static int jumpsToNext(final MethodNode m)
    {
        int n = 0;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn.getOpcode() == Opcodes.GOTO)
            {
                for (AbstractInsnNode k = insn.getNext(); null != k && k.getOpcode() < 0; k = k.getNext())
                {
                    if (k == ((JumpInsnNode) insn).label)
                    {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }
}
