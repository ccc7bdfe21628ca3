package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVMs the agent supports (SPEC.md section 1), both required by the integration tests: a missing
 * one fails the test with the place it was looked for, it never skips it.
 */
public enum Java
{
    /** Java 17: the JVM running the tests when it is a 17, else {@code goroutines.java17.home} or Debian's path. */
    V17(17, "goroutines.java17.home", "/usr/lib/jvm/java-17-openjdk-amd64"),
    /** Java 25: {@code goroutines.java25.home} (the parent pom's {@code java25.home}) or Temurin's path. */
    V25(25, "goroutines.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");

    /** Feature version. */
    private final int feature;
    /** System property naming the JDK home. */
    private final String property;
    /** Where to look when the property is not set. */
    private final String fallbackHome;

    Java(final int feature, final String property, final String fallbackHome)
    {
        this.feature = feature;
        this.property = property;
        this.fallbackHome = fallbackHome;
    }

    /**
     * @return the feature version, e.g. 17
     */
    public int feature()
    {
        return feature;
    }

    /**
     * @return the {@code java} launcher of this JDK; fails the test when it is not installed
     */
    public Path launcher()
    {
        final String configured = System.getProperty(property);
        final Path home;
        if (null != configured && !configured.isBlank())
        {
            home = Path.of(configured);
        }
        else if (Runtime.version().feature() == feature)
        {
            home = Path.of(System.getProperty("java.home"));
        }
        else
        {
            home = Path.of(fallbackHome);
        }
        final Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java))
        {
            fail("Java " + feature + " is required by the integration tests and was not found at " + java +
                "; install it there or pass -D" + property + "=<JDK home> (for Java 25 also -Djava25.home)");
        }
        return java;
    }

    /**
     * Every JDK, each with no agent options and with the test mode {@code forceSuspend} (every rewritten
     * method yields to the scheduler on entry): arguments (Java, agent options or null) for
     * parameterized tests.
     */
    public static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> withAndWithoutForceSuspend()
    {
        final java.util.List<org.junit.jupiter.params.provider.Arguments> runs = new java.util.ArrayList<>();
        for (final Java java : values())
        {
            runs.add(org.junit.jupiter.params.provider.Arguments.of(java, null));
            runs.add(org.junit.jupiter.params.provider.Arguments.of(java, "forceSuspend"));
        }
        return runs.stream();
    }
}
