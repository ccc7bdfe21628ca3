package io.goroutines.agent.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.goroutines.agent.config.ClassGlobs;

class ClassFilterTest
{
    private static final ClassLoader APP = ClassFilterTest.class.getClassLoader();

    private final ClassFilter all = new ClassFilter(ClassGlobs.none(), ClassGlobs.none());

    @Test
    void shouldIgnoreBootstrapAndPlatformClasses()
    {
        assertFalse(all.accepts(null, "com/example/Main"));
        assertFalse(all.accepts(ClassLoader.getPlatformClassLoader(), "com/example/Main"));
    }

    @Test
    void shouldIgnoreUnnamedClasses()
    {
        assertFalse(all.accepts(APP, null));
    }

    @ParameterizedTest
    @CsvSource({
        "java/lang/Thread,false",
        "jdk/internal/reflect/GeneratedMethodAccessor1,false",
        "sun/reflect/GeneratedMethodAccessor1,false",
        "com/sun/proxy/$Proxy1,true",
        "jdk/proxy1/$Proxy7,true",
        "io/goroutines/agent/GoroutinesAgent,false",
        "io/goroutines/agent/shaded/org/objectweb/asm/ClassReader,false",
        "io/goroutines/internal/sched/Sched,true",
        "io/goroutines/Chan,true",
        "com/example/Main,true",
        "javax/servlet/Servlet,true",
        "Main,true"})
    void shouldLookAtEveryClassButTheJdkAndTheAgent(final String internalName, final boolean expected)
    {
        assertEquals(expected, all.accepts(APP, internalName));
    }

    @Test
    void shouldLookAtClassesOfAnyOtherLoader() throws Exception
    {
        try (URLClassLoader loader = new URLClassLoader(new URL[0], null))
        {
            assertTrue(all.accepts(loader, "com/example/Main"));
        }
    }

    @Test
    void shouldTellClassesLeftOutByTheOptionsFromJdkAndAgentClasses()
    {
        final ClassFilter filter = new ClassFilter(ClassGlobs.parse("com.example.**"), ClassGlobs.parse("com.example.gen.*"));

        assertTrue(filter.leftOutByOptions(APP, "org/acme/Main"), "not included");
        assertTrue(filter.leftOutByOptions(APP, "com/example/gen/Stub"), "excluded");
        assertFalse(filter.leftOutByOptions(APP, "com/example/Main"), "rewritten");
        assertFalse(filter.leftOutByOptions(APP, "java/util/ArrayList"), "JDK");
        assertFalse(filter.leftOutByOptions(APP, "io/goroutines/agent/cli/Main"), "agent");
        assertFalse(filter.leftOutByOptions(null, "org/acme/Main"), "bootstrap loader");
    }

    @Test
    void shouldApplyIncludeButAlwaysLookAtTheRuntime()
    {
        final ClassFilter filter = new ClassFilter(ClassGlobs.parse("com.example.**"), ClassGlobs.none());

        assertTrue(filter.accepts(APP, "com/example/a/Main"));
        assertFalse(filter.accepts(APP, "org/acme/Main"));
        assertTrue(filter.accepts(APP, "io/goroutines/sync/Mutex"));
        assertFalse(filter.accepts(APP, "io/goroutines/agent/cli/Main"));
    }

    @Test
    void shouldLetExcludeWinOverIncludeAndTheRuntime()
    {
        final ClassFilter filter = new ClassFilter(
            ClassGlobs.parse("com.example.**"), ClassGlobs.parse("com.example.gen.*;io.goroutines.time.*"));

        assertTrue(filter.accepts(APP, "com/example/Main"));
        assertFalse(filter.accepts(APP, "com/example/gen/Parser"));
        assertFalse(filter.accepts(APP, "io/goroutines/time/Timer"));
        assertTrue(filter.accepts(APP, "io/goroutines/Chan"));
    }
}
