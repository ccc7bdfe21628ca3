package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the things the integration tests run are. Failsafe passes them as system properties (see
 * this module's pom); the fallbacks let a test run from an IDE in this module's directory.
 */
public final class Locations
{
    private Locations()
    {
    }

    /**
     * @return agent/target/goroutines.jar; fails the test when it was not built
     */
    public static Path agentJar()
    {
        final Path jar = Path.of(System.getProperty("goroutines.agent.jar", "../agent/target/goroutines.jar"))
            .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar))
        {
            fail("the agent jar " + jar + " does not exist: build it with mvn package (or run the integration" +
                " tests with mvn verify, which packages the agent first)");
        }
        return jar;
    }

    /**
     * @return this module's compiled test classes, the class path of the child programs
     */
    public static Path testClasses()
    {
        final String configured = System.getProperty("goroutines.test.classes");
        if (null != configured)
        {
            return Path.of(configured);
        }
        try
        {
            return Path.of(Locations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return the project version, as written into the agent jar's manifest
     */
    public static String version()
    {
        return required("goroutines.version");
    }

    /**
     * @param property a system property set by failsafe, e.g. {@code goroutines.app.asm.jar}
     * @return a path it names; fails the test when missing
     */
    public static Path requiredPath(final String property)
    {
        final Path path = Path.of(required(property));
        if (!Files.exists(path))
        {
            fail(property + "=" + path + " does not exist");
        }
        return path;
    }

    /**
     * @param property a system property set by failsafe
     * @return its value; fails the test when missing
     */
    public static String required(final String property)
    {
        final String value = System.getProperty(property);
        if (null == value || value.isBlank() || value.startsWith("${"))
        {
            fail("system property " + property + " is not set: run the integration tests with mvn verify");
        }
        return value;
    }
}
