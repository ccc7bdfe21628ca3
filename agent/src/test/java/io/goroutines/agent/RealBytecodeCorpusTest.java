package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Every class of three large real-world jars (Guava, Jackson databind, the Kotlin standard library)
 * is rewritten with every method forced suspendable and every call a suspension point, then checked
 * by ASM's CheckClassAdapter with data-flow verification. The test prints how many methods fell
 * back to plain code and why, and fails on any class that does not verify.
 */
class RealBytecodeCorpusTest
{
    @ParameterizedTest
    @ValueSource(strings = {"com.google.common.collect.ImmutableList", "com.fasterxml.jackson.databind.ObjectMapper",
        "kotlin.collections.CollectionsKt"})
    void shouldVerifyEveryRewrittenClassOfTheJar(final String probe) throws Exception
    {
        final ClassLoader loader = getClass().getClassLoader();
        final Path jar = Path.of(Class.forName(probe, false, loader).getProtectionDomain().getCodeSource()
            .getLocation().toURI());
        final List<String> warnings = new ArrayList<>();
        final GoroutineTransformer transformer =
            new GoroutineTransformer(new TransformConfig(false, true, false, false), warnings::add);
        int classes = 0;
        int rewritten = 0;
        int methods = 0;
        final List<String> failures = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile()))
        {
            final Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements())
            {
                final JarEntry e = entries.nextElement();
                final String name = e.getName();
                if (!name.endsWith(".class") || name.endsWith("module-info.class") || name.startsWith("META-INF/"))
                {
                    continue;
                }
                classes++;
                final byte[] original = read(jf, e);
                final String internal = name.substring(0, name.length() - ".class".length());
                final byte[] out = transformer.transform(loader, internal, original, true);
                if (null == out)
                {
                    continue;
                }
                rewritten++;
                final ClassNode cn = new ClassNode();
                new ClassReader(out).accept(cn, 0);
                methods += cn.methods.size();
                final StringWriter report = new StringWriter();
                try
                {
                    CheckClassAdapter.verify(new ClassReader(out), loader, false, new PrintWriter(report));
                }
                catch (final RuntimeException | LinkageError ex)
                {
                    report.append(ex.toString());
                }
                if (report.getBuffer().length() > 0)
                {
                    failures.add(internal + ": " + firstLines(report.toString()));
                }
            }
        }
        final Map<String, Integer> reasons = new TreeMap<>();
        for (final String w : warnings)
        {
            final int colon = w.lastIndexOf(": ");
            String reason = colon < 0 ? w : w.substring(colon + 2);
            reason = reason.replaceAll("[0-9]+", "N");
            reasons.merge(reason.length() > 120 ? reason.substring(0, 120) : reason, 1, Integer::sum);
        }
        System.out.printf("real-bytecode corpus %s: %d classes, %d rewritten (%d methods), %d fell back%n",
            jar.getFileName(), classes, rewritten, methods, warnings.size());
        reasons.forEach((r, n) -> System.out.printf("  %5d x %s%n", n, r));
        assertTrue(classes > 300, "the jar is large: " + classes);
        assertTrue(rewritten > classes / 2, "most classes rewritten: " + rewritten + " of " + classes);
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())),
            failures.size() + " classes failed verification");
    }

    private static String firstLines(final String s)
    {
        final String[] lines = s.split("\n");
        return String.join(" | ", java.util.Arrays.copyOf(lines, Math.min(4, lines.length)));
    }

    private static byte[] read(final JarFile jf, final JarEntry e) throws IOException
    {
        try (var in = jf.getInputStream(e))
        {
            return in.readAllBytes();
        }
    }
}
