"""Chapter 10's LSTM exercise: the parameters of an LSTM layer, counted for layers of the check's own."""

from course_lib import checks, sequences

#: What the exercise asks you to count, so your function may not build or call it.
LSTM_COUNT_FORBIDDEN = ("keras.layers.LSTM", "keras.layers.LSTMCell", "keras.layers.RNN",
                        "course_lib.sequences.lstm_parameter_count")
#: (features, units) of the layers the check asks about: none is the chapter's (2, 16).
LSTM_COUNT_CASES = ((3, 5), (7, 2), (1, 30), (12, 12))


def _mistakes(features, units):
    """The counts the usual slips give, each with its hint."""
    gate = units * (features + units) + units
    return {
        "that is one gate; an LSTM layer has more than one (count them in the chapter's list).": gate,
        "three gates' worth: which gate did you leave out?": 3 * gate,
        "the biases are missing: every unit of every gate has one.": sequences.NUM_GATES * units * (features + units),
        "the recurrent weights are missing: each gate also reads the previous step's output.":
        sequences.NUM_GATES * (units * features + units),
        "that also counts the Dense(1) after the LSTM; the question is the LSTM layer alone.":
        sequences.NUM_GATES * gate + units + 1,
    }


def check_lstm_parameter_count(lstm_parameter_count):
    """Your ``lstm_parameter_count(features, units)`` on the layers of :data:`LSTM_COUNT_CASES`."""
    def case(features, units):
        expected = sequences.lstm_parameter_count(features, units)
        mistakes = {hint: count for hint, count in _mistakes(features, units).items() if count != expected}
        return (features, units), lambda given: checks.diagnose(given, expected, rtol=0, atol=0, mistakes=mistakes)

    return checks.check_function(
        "lstm_parameter_count", lstm_parameter_count, [case(*sizes) for sizes in LSTM_COUNT_CASES],
        hint="count one gate as a Dense layer whose input is the step's features and the previous output "
             "side by side, then count the gates.",
        forbidden=LSTM_COUNT_FORBIDDEN)
