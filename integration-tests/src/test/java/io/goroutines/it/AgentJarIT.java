package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/**
 * What goroutines.jar holds. A class outside {@code io/goroutines/} fails the build (at verify): an
 * unrelocated library class would clash with the application's own copy.
 */
class AgentJarIT
{
    /** Libraries the agent bundles, as internal-name prefixes, all relocated under the shaded package. */
    private static final String[] RELOCATED = {"net/bytebuddy/", "org/objectweb/asm/", "picocli/", "org/agrona/"};

    private static final String SHADED = "io/goroutines/agent/shaded/";

    @Test
    void shouldHoldClassesOnlyUnderIoGoroutines() throws IOException
    {
        final List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(Locations.agentJar().toFile()))
        {
            for (final Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); )
            {
                final String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.startsWith("io/goroutines/"))
                {
                    outside.add(name);
                }
            }
        }
        assertEquals(List.of(), outside, "classes outside io/goroutines/ in goroutines.jar");
    }

    @Test
    void shouldDropModuleDescriptorsSignaturesAndMavenMetadata() throws IOException
    {
        final List<String> unwanted = new ArrayList<>();
        try (JarFile jar = new JarFile(Locations.agentJar().toFile()))
        {
            for (final Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); )
            {
                final String name = entries.nextElement().getName();
                if (name.endsWith("module-info.class") || name.startsWith("META-INF/versions/") ||
                    name.startsWith("META-INF/maven/") || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                {
                    unwanted.add(name);
                }
            }
        }
        assertEquals(List.of(), unwanted);
    }

    @Test
    void shouldHoldAgentRuntimeAnnotationsAndRelocatedLibraries() throws IOException
    {
        try (JarFile jar = new JarFile(Locations.agentJar().toFile()))
        {
            for (final String name : List.of(
                "io/goroutines/agent/GoroutinesAgent.class",
                "io/goroutines/agent/cli/Main.class",
                "io/goroutines/agent/transform/GoroutineTransformer.class",
                "io/goroutines/annotation/Goroutine.class",
                "io/goroutines/internal/sched/G.class",
                SHADED + "net/bytebuddy/agent/builder/AgentBuilder.class",
                SHADED + "org/objectweb/asm/ClassReader.class",
                SHADED + "org/objectweb/asm/tree/ClassNode.class",
                SHADED + "org/objectweb/asm/tree/analysis/Analyzer.class",
                SHADED + "org/objectweb/asm/commons/ClassRemapper.class",
                SHADED + "org/objectweb/asm/util/CheckClassAdapter.class",
                SHADED + "picocli/CommandLine.class",
                SHADED + "org/agrona/concurrent/ManyToOneConcurrentArrayQueue.class"))
            {
                assertNotNull(jar.getEntry(name), name + " missing from goroutines.jar");
            }
        }
    }

    @Test
    void shouldReferToBundledLibrariesOnlyUnderTheirRelocatedNames() throws IOException
    {
        final List<String> offences = new ArrayList<>();
        try (JarFile jar = new JarFile(Locations.agentJar().toFile()))
        {
            for (final Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); )
            {
                final JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class"))
                {
                    try (InputStream in = jar.getInputStream(entry))
                    {
                        final String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                        for (final String library : RELOCATED)
                        {
                            if (unrelocated(text, library))
                            {
                                offences.add(entry.getName() + " names " + library);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    void shouldNameEntryPointsInTheManifest() throws IOException
    {
        try (JarFile jar = new JarFile(Locations.agentJar().toFile()))
        {
            final Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.goroutines.agent.GoroutinesAgent", main.getValue("Premain-Class"));
            assertEquals("io.goroutines.agent.GoroutinesAgent", main.getValue("Agent-Class"));
            assertEquals("io.goroutines.agent.cli.Main", main.getValue("Main-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertEquals("true", main.getValue("Can-Redefine-Classes"));
            assertEquals(Locations.version(), main.getValue("Implementation-Version"));
        }
    }

    /** True when {@code library} occurs in the class file other than right after the shaded prefix. */
    private static boolean unrelocated(final String classfile, final String library)
    {
        for (int at = classfile.indexOf(library); at >= 0; at = classfile.indexOf(library, at + 1))
        {
            final boolean shaded = at >= SHADED.length() && classfile.startsWith(SHADED, at - SHADED.length());
            final boolean partOfLongerName = at > 0 && isNameChar(classfile.charAt(at - 1));
            if (!shaded && !partOfLongerName)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isNameChar(final char c)
    {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '/';
    }
}
