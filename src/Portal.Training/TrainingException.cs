namespace Portal.Training;

/// <summary>A training error a person can act on (bad recipe, missing data set, wrong device); the CLI prints its message.</summary>
public sealed class TrainingException(string message, Exception? inner = null) : Exception(message, inner);
