package io.twine.testing.sim;

/**
 * A broken invariant, or a scenario that failed, in a {@link Simulation}: the message says what
 * broke and ends with the run's last events, so the failure reads without a debugger.
 * {@link Simulations#run} adds the seed and the command that replays it.
 */
public final class SimulationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    /** The last events shown in the message. */
    public static final int EVENTS_SHOWN = 50;

    SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code what} at the simulation's current time, with its last {@value #EVENTS_SHOWN} events. */
    static SimulationFailure of(Simulation simulation, String what, Throwable cause) {
        return new SimulationFailure(what + " (at " + EventLog.format(simulation.now()) + ", seed " + simulation.seed()
                + ")\nlast " + EVENTS_SHOWN + " events:\n" + simulation.log().tail(EVENTS_SHOWN), cause);
    }
}
