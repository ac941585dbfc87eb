// libtorch has one random generator per process: a test that builds a network while a training run sits between
// its seed and its weight initialisation changes that run's weights, and resume-exactly checks fail at random.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
