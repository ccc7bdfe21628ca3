package io.goroutines.agent.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import io.goroutines.agent.config.ClassGlobs;

class InstallerTest
{
    private final List<String> calls = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final ClassFilter all = new ClassFilter(ClassGlobs.none(), ClassGlobs.none());

    @Test
    void shouldRegisterOnePlainTransformerForPremain() throws Exception
    {
        final FakeInstrumentation instrumentation = new FakeInstrumentation(Assertions.class);

        final ClassFileTransformer transformer = Installer.install(instrumentation, all, this::rewrite, log::add,
            false, false);

        assertEquals(List.of(transformer), instrumentation.plain);
        assertEquals(List.of(), instrumentation.retransforming);
        assertEquals(List.of(), instrumentation.retransformed);
        assertNull(transformer.transform(getClass().getClassLoader(), "com/example/Main", null, null, new byte[0]));
        assertEquals(List.of("com/example/Main canAddMembers=true"), calls);
    }

    @Test
    void shouldRetransformClassesLoadedBeforeTheAgentWhenAttached() throws Exception
    {
        final FakeInstrumentation instrumentation =
            new FakeInstrumentation(String.class, Assertions.class, Installer.class, int[].class);

        final ClassFileTransformer transformer = Installer.install(instrumentation, all, this::rewrite, log::add,
            false, true);

        assertEquals(List.of(), instrumentation.plain);
        assertEquals(List.of(transformer), instrumentation.retransforming);
        assertEquals(List.of(Assertions.class), instrumentation.retransformed);
        assertEquals(List.of("org/junit/jupiter/api/Assertions canAddMembers=false"), calls);

        transformer.transform(getClass().getClassLoader(), "com/example/Later", null, null, new byte[0]);
        assertEquals("com/example/Later canAddMembers=true", calls.get(1));
        assertEquals(List.of(), log);
    }

    private byte[] rewrite(final ClassLoader loader, final String internalName, final byte[] classfile,
        final boolean canAddMembers)
    {
        calls.add(internalName + " canAddMembers=" + canAddMembers);
        return null;
    }
}
