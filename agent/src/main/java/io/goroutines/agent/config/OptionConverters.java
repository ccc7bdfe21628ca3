package io.goroutines.agent.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The Picocli converters of the agent options. Each one throws a {@link TypeConversionException}
 * whose message says what is wrong with the value (one short clause), and knows its
 * {@link AcceptedForms}; {@link AgentOptions} puts the two together with the option name and value.
 */
public final class OptionConverters
{
    /** Smallest {@code stack}: below it the carrier's own code would overflow. */
    public static final long MIN_STACK_BYTES = 256L * 1024;

    /** Largest {@code stack}: Go's own limit on a goroutine stack on 64-bit systems (1 GB). */
    public static final long MAX_STACK_BYTES = 1024L * 1024 * 1024;

    /** Duration value that disables preemption. */
    public static final long PREEMPT_OFF = 0;

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s)");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([kmg]?)");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):([0-9]{1,5})");

    private OptionConverters()
    {
    }

    /**
     * Parses a duration as option {@code preempt} accepts it.
     *
     * @param text e.g. {@code 500us}, {@code 10ms}, {@code 2s} or {@code off}
     * @return nanoseconds, {@link #PREEMPT_OFF} for {@code off}
     * @throws TypeConversionException saying what is wrong
     */
    public static long parseDurationNs(final String text)
    {
        if ("off".equals(text))
        {
            return PREEMPT_OFF;
        }
        final Matcher m = DURATION.matcher(text);
        if (!m.matches())
        {
            throw new TypeConversionException("not a duration");
        }
        final long unitNs = switch (m.group(2))
        {
            case "ns" -> 1L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 1_000L;
        };
        try
        {
            final long ns = Math.multiplyExact(Long.parseLong(m.group(1)), unitNs);
            if (ns <= 0)
            {
                throw new TypeConversionException("must be positive (write off to disable)");
            }
            return ns;
        }
        catch (final ArithmeticException | NumberFormatException ex)
        {
            throw new TypeConversionException("too large");
        }
    }

    /**
     * @param ns nanoseconds, {@link #PREEMPT_OFF} for off
     * @return the duration in the largest unit that keeps it exact, e.g. {@code 10ms}
     */
    public static String formatDuration(final long ns)
    {
        if (PREEMPT_OFF == ns)
        {
            return "off";
        }
        if (ns % 1_000_000_000L == 0)
        {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0)
        {
            return ns / 1_000_000L + "ms";
        }
        return ns % 1_000L == 0 ? ns / 1_000L + "us" : ns + "ns";
    }

    /**
     * Parses a size as option {@code stack} accepts it.
     *
     * @param text e.g. {@code 512k}, {@code 64m}, {@code 1g}, or a number of bytes
     * @return bytes, within [{@link #MIN_STACK_BYTES}, {@link #MAX_STACK_BYTES}]
     * @throws TypeConversionException saying what is wrong
     */
    public static long parseStackBytes(final String text)
    {
        final Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches())
        {
            throw new TypeConversionException("not a size");
        }
        final int shift = switch (m.group(2))
        {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        final long bytes;
        try
        {
            final long count = Long.parseLong(m.group(1));
            bytes = count > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : count << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw new TypeConversionException("too large");
        }
        if (bytes < MIN_STACK_BYTES)
        {
            throw new TypeConversionException("smaller than 256k");
        }
        if (bytes > MAX_STACK_BYTES)
        {
            throw new TypeConversionException("larger than 1g");
        }
        return bytes;
    }

    /**
     * @param bytes a size
     * @return the size in the largest unit that keeps it exact, e.g. {@code 16m}
     */
    public static String formatSize(final long bytes)
    {
        if (bytes % (1L << 30) == 0)
        {
            return (bytes >> 30) + "g";
        }
        if (bytes % (1L << 20) == 0)
        {
            return (bytes >> 20) + "m";
        }
        return bytes % 1024 == 0 ? (bytes >> 10) + "k" : Long.toString(bytes);
    }

    /**
     * Parses a positive int.
     *
     * @param text decimal digits
     * @return the value, at least 1
     * @throws TypeConversionException saying what is wrong
     */
    public static int parsePositiveInt(final String text)
    {
        final int value;
        try
        {
            value = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new TypeConversionException(text.matches("[+-]?[0-9]+") ? "out of range" : "not an integer");
        }
        if (value < 1)
        {
            throw new TypeConversionException("must be at least 1");
        }
        return value;
    }

    /** Option {@code procs}. */
    public static final class Procs implements ITypeConverter<Integer>, AcceptedForms
    {
        @Override
        public Integer convert(final String value)
        {
            return parsePositiveInt(value);
        }

        @Override
        public String acceptedForms()
        {
            return "an integer >= 1, e.g. procs=4";
        }
    }

    /** Option {@code maxThreads}. */
    public static final class MaxThreads implements ITypeConverter<Integer>, AcceptedForms
    {
        @Override
        public Integer convert(final String value)
        {
            return parsePositiveInt(value);
        }

        @Override
        public String acceptedForms()
        {
            return "an integer >= 1, e.g. maxThreads=10000";
        }
    }

    /** Option {@code preempt}. */
    public static final class Duration implements ITypeConverter<Long>, AcceptedForms
    {
        @Override
        public Long convert(final String value)
        {
            return parseDurationNs(value);
        }

        @Override
        public String acceptedForms()
        {
            return "a positive whole number with a unit ns, us, ms or s, e.g. 500us, 10ms, 2s; or off";
        }
    }

    /** Option {@code stack}. */
    public static final class StackSize implements ITypeConverter<Long>, AcceptedForms
    {
        @Override
        public Long convert(final String value)
        {
            return parseStackBytes(value);
        }

        @Override
        public String acceptedForms()
        {
            return "a size from 256k to 1g with a unit k, m or g, e.g. 512k, 64m, 1g";
        }
    }

    /** A flag: {@code name}, {@code name=true} or {@code name=false}. */
    public static final class Flag implements ITypeConverter<Boolean>, AcceptedForms
    {
        @Override
        public Boolean convert(final String value)
        {
            if ("true".equals(value))
            {
                return Boolean.TRUE;
            }
            if ("false".equals(value))
            {
                return Boolean.FALSE;
            }
            throw new TypeConversionException("not true or false");
        }

        @Override
        public String acceptedForms()
        {
            return "the bare name to turn it on, or =true or =false";
        }
    }

    /** Option {@code pinning}. */
    public static final class Pinning extends LowerCaseEnum<PinningMode>
    {
        /** Picocli instantiates it. */
        public Pinning()
        {
            super(PinningMode.class);
        }
    }

    /** Option {@code panic}. */
    public static final class Panic extends LowerCaseEnum<PanicMode>
    {
        /** Picocli instantiates it. */
        public Panic()
        {
            super(PanicMode.class);
        }
    }

    /** Option {@code deadlock}. */
    public static final class Deadlock extends LowerCaseEnum<DeadlockMode>
    {
        /** Picocli instantiates it. */
        public Deadlock()
        {
            super(DeadlockMode.class);
        }
    }

    /** Option {@code inlining}. */
    public static final class Inlining extends LowerCaseEnum<InliningMode>
    {
        /** Picocli instantiates it. */
        public Inlining()
        {
            super(InliningMode.class);
        }
    }

    /** Option {@code debug}. */
    public static final class Debug implements ITypeConverter<HostPort>, AcceptedForms
    {
        @Override
        public HostPort convert(final String value)
        {
            final Matcher m = HOST_PORT.matcher(value);
            if (!m.matches())
            {
                throw new TypeConversionException("not HOST:PORT");
            }
            final int port = Integer.parseInt(m.group(2));
            if (port > 65535)
            {
                throw new TypeConversionException("port " + port + " is above 65535");
            }
            final String host = m.group(1);
            return new HostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
        }

        @Override
        public String acceptedForms()
        {
            return "HOST:PORT, e.g. localhost:6060, 127.0.0.1:6060, [::1]:6060 (port 0: any free port)";
        }
    }

    /** Option {@code dumpSignal}: a signal name, with or without {@code SIG}, any case. */
    public static final class DumpSignal implements ITypeConverter<String>, AcceptedForms
    {
        /** Signals the JVM leaves to applications on Linux and macOS. */
        private static final java.util.List<String> ACCEPTED = java.util.List.of("USR1", "USR2", "HUP", "WINCH", "URG");

        @Override
        public String convert(final String value)
        {
            final String upper = value.toUpperCase(java.util.Locale.ROOT);
            final String name = upper.startsWith("SIG") ? upper.substring(3) : upper;
            if (!ACCEPTED.contains(name))
            {
                throw new TypeConversionException("not a signal the JVM leaves free");
            }
            return name;
        }

        @Override
        public String acceptedForms()
        {
            return "USR1, USR2, HUP, WINCH or URG (SIGUSR2 and usr2 work too)";
        }
    }

    /** Option {@code trace}. */
    public static final class TraceFile implements ITypeConverter<Path>, AcceptedForms
    {
        @Override
        public Path convert(final String value)
        {
            if (value.isEmpty())
            {
                throw new TypeConversionException("no file name given");
            }
            final Path path;
            try
            {
                path = Path.of(value);
            }
            catch (final InvalidPathException ex)
            {
                throw new TypeConversionException("not a valid path (" + ex.getReason() + ")");
            }
            if (Files.isDirectory(path))
            {
                throw new TypeConversionException("is a directory");
            }
            final Path parent = path.toAbsolutePath().getParent();
            if (null != parent && !Files.isDirectory(parent))
            {
                throw new TypeConversionException("directory " + parent + " does not exist");
            }
            return path;
        }

        @Override
        public String acceptedForms()
        {
            return "a file to create in an existing directory, e.g. trace=app-trace.json (no commas)";
        }
    }

    /** Options {@code include} and {@code exclude}. */
    public static final class Globs implements ITypeConverter<ClassGlobs>, AcceptedForms
    {
        @Override
        public ClassGlobs convert(final String value)
        {
            try
            {
                return ClassGlobs.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }

        @Override
        public String acceptedForms()
        {
            return ClassGlobs.FORMS;
        }
    }

    /**
     * An enum option whose values are written in lower case.
     *
     * @param <E> the enum
     */
    public abstract static class LowerCaseEnum<E extends Enum<E>> implements ITypeConverter<E>, AcceptedForms
    {
        private final Class<E> type;

        /**
         * @param type the enum
         */
        protected LowerCaseEnum(final Class<E> type)
        {
            this.type = type;
        }

        @Override
        public E convert(final String value)
        {
            for (final E e : type.getEnumConstants())
            {
                if (name(e).equals(value))
                {
                    return e;
                }
            }
            throw new TypeConversionException("not one of the choices");
        }

        @Override
        public String acceptedForms()
        {
            final StringBuilder forms = new StringBuilder();
            for (final E e : type.getEnumConstants())
            {
                forms.append(forms.length() == 0 ? "" : ", ").append(name(e));
            }
            return forms.toString();
        }

        /**
         * @param value an enum constant
         * @param <E>   the enum
         * @return its name as the user writes it
         */
        public static <E extends Enum<E>> String name(final E value)
        {
            return value.name().toLowerCase(Locale.ROOT);
        }
    }
}
