"""The recurrent cells, one readable module each, and what they share.

rnn.py (the vanilla RNN), lstm.py, gru.py: each holds its parameters, one step forward and
backward, and a whole sequence forward and backward. shared.py: the output layer, the
loss-and-gradients wrapper and the cache layout. gated.py: the parameters of the gated cells.
registry.py: the cells by name, for training, sampling and checkpoints.
"""
