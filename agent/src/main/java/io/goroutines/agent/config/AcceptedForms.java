package io.goroutines.agent.config;

/**
 * Implemented by the converter of every agent option: the accepted forms of its value, quoted in
 * error messages ("accepted: ...") so that a user who typed a bad value sees what to type instead.
 */
public interface AcceptedForms
{
    /**
     * @return the accepted forms, e.g. {@code a duration such as 500us, 10ms or 2s, or off}
     */
    String acceptedForms();
}
