package io.goroutines.samples;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Goroutines, an unbuffered channel and a WaitGroup, after Go by Example's "Goroutines",
 * "Channels" and "WaitGroups":
 * <pre>
 * func main() {
 *     greetings := make(chan string)
 *     var wg sync.WaitGroup
 *     for _, name := range names {
 *         wg.Add(1)
 *         go func() { defer wg.Done(); greetings &lt;- "hello, " + name }()
 *     }
 *     go func() { wg.Wait(); close(greetings) }()
 *     for g := range greetings { ... }
 * }
 * </pre>
 * Each greeter blocks in {@code send} until {@code main} receives; a closer goroutine waits for
 * every greeter and closes the channel, which ends {@code main}'s receive loop. The goroutines
 * finish in any order, so the greetings are printed sorted, then one summary line:
 * <pre>
 * hello, Ada
 * hello, Grace
 * hello, Ken
 * hello, Rob
 * hello: done, 4 greetings from 4 goroutines
 * </pre>
 * Run: {@code java -javaagent:agent/target/goroutines.jar -cp sample-apps/target/sample-apps.jar
 * io.goroutines.samples.Hello [NAME...]}.
 */
public final class Hello
{
    /** Who gets greeted when no names are given. */
    private static final String[] DEFAULT_NAMES = { "Rob", "Ken", "Grace", "Ada" };

    private Hello()
    {
    }

    /**
     * The main goroutine: the program ends when it returns.
     *
     * @param args names to greet; none for the defaults
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final String[] names = 0 == args.length ? DEFAULT_NAMES : args;
        final Chan<String> greetings = Chan.make();
        final WaitGroup wg = new WaitGroup();

        for (final String name : names)
        {
            wg.add(1);
            Go.go(() -> greet(name, greetings, wg));
        }
        Go.go(() ->
        {
            wg.await();
            greetings.close();
        });

        final List<String> received = new ArrayList<>();
        String greeting;
        while (null != (greeting = greetings.recv()))
        {
            received.add(greeting);
        }

        Collections.sort(received);
        for (final String line : received)
        {
            System.out.println(line);
        }
        System.out.println("hello: done, " + received.size() + " greetings from " + names.length + " goroutines");
    }

    /**
     * One greeter: sends its greeting, then tells the WaitGroup ({@code defer wg.Done()}).
     *
     * @param name      who is greeted
     * @param greetings where the greeting goes
     * @param wg        counts the greeters still running
     */
    @Goroutine
    private static void greet(final String name, final Chan<String> greetings, final WaitGroup wg)
    {
        try
        {
            greetings.send("hello, " + name);
        }
        finally
        {
            wg.done();
        }
    }
}
