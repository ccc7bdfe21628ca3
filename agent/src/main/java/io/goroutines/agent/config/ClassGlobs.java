package io.goroutines.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Value of options {@code include} and {@code exclude}: class-name globs, matched against the binary
 * name of a class ({@code com.example.Outer$Inner}).
 * <ul>
 *   <li>{@code *} matches any characters within one package level (not {@code .});</li>
 *   <li>{@code **} matches any characters across package levels;</li>
 *   <li>{@code ?} matches one character other than {@code .};</li>
 *   <li>globs are separated by {@code ;} ({@link #SEPARATOR}).</li>
 * </ul>
 * Why {@code ;}: the agent string already uses {@code ,} between options, and {@code ;} can never
 * occur in a class name (the JVM forbids it in binary names), so no glob needs escaping. The price is
 * that a shell sees {@code ;} as a command separator: quote the whole {@code -javaagent:...} argument.
 * <p>
 * Matching runs once per loaded class, on the JVM's internal name ({@code com/example/Main}): the globs
 * are compiled into one regular expression over internal names, so the name is never converted.
 */
public final class ClassGlobs
{
    /** Separates globs in one option value. */
    public static final String SEPARATOR = ";";

    /** The accepted forms, quoted in messages and in the usage text. */
    public static final String FORMS =
        "class-name globs separated by ';', e.g. com.example.**;org.acme.Worker* "
        + "('*' stays within a package, '**' crosses packages, '?' is one character)";

    private static final ClassGlobs NONE = new ClassGlobs(List.of(), null);

    /** The globs as the user wrote them. */
    private final List<String> globs;

    /** All globs as one expression over internal names, or null when there are none. */
    private final Pattern pattern;

    private ClassGlobs(final List<String> globs, final Pattern pattern)
    {
        this.globs = globs;
        this.pattern = pattern;
    }

    /**
     * @return the empty set of globs, which matches nothing
     */
    public static ClassGlobs none()
    {
        return NONE;
    }

    /**
     * Parses an option value.
     *
     * @param text globs separated by {@link #SEPARATOR}; blanks around each glob are ignored
     * @return the compiled globs
     * @throws IllegalArgumentException naming what is wrong (empty, bad character, stray dot)
     */
    public static ClassGlobs parse(final String text)
    {
        final List<String> globs = new ArrayList<>();
        final StringBuilder regex = new StringBuilder();
        for (final String raw : text.split(SEPARATOR, -1))
        {
            final String glob = raw.trim();
            if (glob.isEmpty())
            {
                throw new IllegalArgumentException(text.isBlank() ? "no glob given" : "empty glob between separators");
            }
            validate(glob);
            globs.add(glob);
            if (regex.length() > 0)
            {
                regex.append('|');
            }
            appendRegex(glob, regex);
        }
        return new ClassGlobs(List.copyOf(globs), Pattern.compile(regex.toString()));
    }

    /**
     * @return true when there are no globs
     */
    public boolean isEmpty()
    {
        return null == pattern;
    }

    /**
     * @param internalName a class name in internal form, e.g. {@code com/example/Main}
     * @return true when one of the globs matches it; false when there are none
     */
    public boolean matches(final String internalName)
    {
        return null != pattern && pattern.matcher(internalName).matches();
    }

    /**
     * @return the globs as the user wrote them
     */
    public List<String> globs()
    {
        return globs;
    }

    /**
     * @return the globs joined by the separator, as the user would write them
     */
    @Override
    public String toString()
    {
        return String.join(SEPARATOR, globs);
    }

    private static void validate(final String glob)
    {
        for (int i = 0; i < glob.length(); i++)
        {
            final char c = glob.charAt(i);
            final boolean ok = c == '.' || c == '*' || c == '?' ||
                (Character.isJavaIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
            if (!ok)
            {
                throw new IllegalArgumentException("character '" + c + "' cannot occur in a class-name glob");
            }
        }
        if (glob.startsWith(".") || glob.endsWith(".") || glob.contains(".."))
        {
            throw new IllegalArgumentException("glob '" + glob + "' has a stray '.'");
        }
    }

    private static void appendRegex(final String glob, final StringBuilder regex)
    {
        for (int i = 0; i < glob.length(); i++)
        {
            final char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*')
            {
                regex.append(".*");
                i++;
            }
            else if (c == '*')
            {
                regex.append("[^/]*");
            }
            else if (c == '?')
            {
                regex.append("[^/]");
            }
            else if (c == '.')
            {
                regex.append('/');
            }
            else if (Character.isLetterOrDigit(c) || c == '_')
            {
                regex.append(c);
            }
            else
            {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
    }
}
