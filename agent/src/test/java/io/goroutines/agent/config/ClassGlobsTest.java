package io.goroutines.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassGlobsTest
{
    @ParameterizedTest
    @CsvSource({
        "com.example.*,com/example/Main,true",
        "com.example.*,com/example/Main$Inner,true",
        "com.example.*,com/example/sub/Main,false",
        "com.example.**,com/example/sub/deep/Main,true",
        "com.example.**,com/examples/Main,false",
        "com.**.Worker,com/a/b/Worker,true",
        "com.example.Worker?,com/example/Worker2,true",
        "com.example.Worker?,com/example/Worker,false",
        "com.example.Worker?,com/example/Worker/x,false",
        "Main,Main,true",
        "*,Main,true",
        "*,com/Main,false",
        "**,com/Main,true",
        "com.example.Main,com/example/Main,true",
        "com.ex$ample.*,com/ex$ample/A,true",
        "com.example.*;org.acme.**,org/acme/x/Y,true",
        "com.example.* ; org.acme.**,org/acme/x/Y,true"})
    void shouldMatchInternalNames(final String globs, final String internalName, final boolean expected)
    {
        assertEquals(expected, ClassGlobs.parse(globs).matches(internalName));
    }

    @Test
    void shouldMatchNothingWhenEmpty()
    {
        assertTrue(ClassGlobs.none().isEmpty());
        assertFalse(ClassGlobs.none().matches("com/example/Main"));
        assertEquals("", ClassGlobs.none().toString());
    }

    @Test
    void shouldKeepGlobsAsWritten()
    {
        assertEquals("a.*;b.**", ClassGlobs.parse(" a.* ;b.** ").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a;", ";a", "a;;b", "com/x", "a b", "a,b", "a|b", ".a", "a.", "a..b", "a[0]"})
    void shouldRejectBadGlobs(final String text)
    {
        assertThrows(IllegalArgumentException.class, () -> ClassGlobs.parse(text));
    }
}
