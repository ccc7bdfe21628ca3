package io.goroutines.agent.transform;

/**
 * A place in a class's code, as a report names it: the method and, when the class file says, its
 * source file and line.
 *
 * @param owner      internal name of the class, e.g. {@code com/example/Worker}
 * @param method     method name
 * @param descriptor method descriptor
 * @param sourceFile source file name from the class file, or null
 * @param line       source line, or -1 when the class file has no line numbers there
 */
public record CodeSite(String owner, String method, String descriptor, String sourceFile, int line)
{
    /**
     * @return the class's binary name, e.g. {@code com.example.Worker}
     */
    public String className()
    {
        return owner.replace('/', '.');
    }

    /**
     * @return {@code Worker.java:12} as a stack trace prints it; {@code Worker.java} without a line,
     *         {@code Unknown Source} without a source file
     */
    public String where()
    {
        if (null == sourceFile)
        {
            return "Unknown Source";
        }
        return line >= 0 ? sourceFile + ":" + line : sourceFile;
    }
}
