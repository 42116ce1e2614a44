"""Training and using a model: clipping, SGD and Adam (optim.py), the seed's recipe
(seed_recipe.py: optimize, rnn_model), the recommended one (trainer.py: train, evaluate),
sampling names (sampling.py), and truncated BPTT on a stream (tbptt.py)."""
