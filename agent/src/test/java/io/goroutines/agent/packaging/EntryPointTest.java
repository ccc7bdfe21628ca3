package io.goroutines.agent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

import io.goroutines.agent.GoroutinesAgent;

/**
 * The contract of the classes the JVM runs before the transform is installed: the entry class is
 * tiny and stateless, and no class of the start-up path names a runtime class (a runtime class
 * loaded before installation would never be rewritten).
 */
class EntryPointTest
{
    /** Packages on the start-up path, as internal-name prefixes. */
    private static final String[] START_UP = {
        "io/goroutines/agent/GoroutinesAgent", "io/goroutines/agent/config/", "io/goroutines/agent/install/",
        "io/goroutines/agent/cli/"};

    @Test
    void shouldHavePremainAndAgentmain() throws NoSuchMethodException
    {
        for (final String name : List.of("premain", "agentmain"))
        {
            final Method method = GoroutinesAgent.class.getMethod(name, String.class, Instrumentation.class);
            assertTrue(Modifier.isStatic(method.getModifiers()), name);
            assertEquals(void.class, method.getReturnType(), name);
        }
    }

    @Test
    void shouldKeepNoStaticStateInTheEntryClass()
    {
        assertTrue(Modifier.isFinal(GoroutinesAgent.class.getModifiers()));
        for (final Field field : GoroutinesAgent.class.getDeclaredFields())
        {
            assertTrue(field.isSynthetic(), "static state in the entry class: " + field);
        }
    }

    @Test
    void shouldNotNameRuntimeClassesOnTheStartUpPath() throws IOException, URISyntaxException
    {
        final Path classes = Path.of(GoroutinesAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<String> offences = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes))
        {
            for (final Path file : (Iterable<Path>)files.filter((p) -> p.toString().endsWith(".class"))::iterator)
            {
                final String name = classes.relativize(file).toString().replace('\\', '/');
                if (Stream.of(START_UP).anyMatch(name::startsWith))
                {
                    checked++;
                    for (final String referenced : referencedTypes(file))
                    {
                        if (referenced.startsWith("io/goroutines/") && !referenced.startsWith("io/goroutines/agent/"))
                        {
                            offences.add(name + " -> " + referenced);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 10, "found only " + checked + " classes under " + classes);
        assertEquals(List.of(), offences);
    }

    private static Set<String> referencedTypes(final Path classFile) throws IOException
    {
        final Set<String> types = new TreeSet<>();
        try (InputStream in = Files.newInputStream(classFile))
        {
            new ClassReader(in).accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) {}, new Remapper()
            {
                @Override
                public String map(final String internalName)
                {
                    types.add(internalName);
                    return internalName;
                }
            }), 0);
        }
        return types;
    }
}
