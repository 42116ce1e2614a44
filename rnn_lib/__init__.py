"""rnn_lib: recurrent neural networks from scratch in numpy, the library behind the notebooks.

Shapes are column-major with time last: inputs X (n_x, m, T_x), hidden states a (n_a, m, T_x),
predictions y_hat (n_y, m, T_x); parameters Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
ba (n_a, 1), by (n_y, 1); the gradient of a parameter carries a "d" prefix (dWax).

Where things live (each module imports only from the ones above it in this table):

    validation.py, activations.py, loss.py   input checks; tanh, softmax, sigmoid; cross-entropy
    interrupts.py      stop signals held back while a checkpoint is written, or raised
    _fast/             the speed-ups behind the cells' public functions (nothing to read)
    cells/shared.py    the output layer, the loss-and-gradients wrapper, the cache layout
    cells/gated.py     the gated cells' parameters
    cells/rnn.py       the vanilla RNN: parameters, cell forward/backward, rnn_forward, BPTT   01-03
    cells/lstm.py      the LSTM, the same shape (cell and sequence, forward and backward)        08
    cells/gru.py       the GRU, the same shape                                                  08
    cells/registry.py  the cells by name (--cell), and the Cell that train and sampling use
    cells/rnn_layer.py a recurrent layer without an output layer, whose backward returns dx     10
    cells/stacked.py, cells/bidirectional.py   stacked and bidirectional RNNs of such layers     10
    cells/embedding.py the embedding layer: a lookup, and its accumulating gradient             10
    cells/attention.py additive attention: energies, the masked softmax, the context           11
    cells/encoder_decoder.py   the bidirectional encoder, the decoder with attention, BPTT      11
    data/names.py      the corpus, vocabulary, one-hot encoding, batches, the split          02, 06
    data/corpus.py     a corpus as one array of indices: train and evaluate's compact form  06
    data/streams.py    one long sequence as m contiguous streams in chunks of k steps           09
    data/dates.py      dates in human formats and in ISO, drawn at run time; encoding, the split 11
    data/npz_reader.py reading an .npz's entries within the sizes they declare
    data/checkpoint.py the .npz checkpoint format
    training/optim.py        clip, clip_by_norm, SGD, Adam                                    04, 06
    training/seed_recipe.py  optimize (one step) and rnn_model: the seed's training loop        06
    training/trainer.py      train (minibatches, Adam, a dev set) and evaluate              06, 08, 10
    training/tbptt.py        truncated BPTT on a stream: the state carried, the gradient cut    09
    training/sampling.py     sampling names: temperature, top-k                                 05
    training/decoding.py     greedy decoding, sampling and beam search with log-probabilities   10
    training/seq2seq_decoding.py  greedy and beam decoding of the encoder-decoder              11
    training/seq2seq_training.py  training it on string pairs (Adam, clipping); exact match     11
    teaching/gradcheck.py, diagnostics.py   finite differences; gradient norms through time  03, 07
    teaching/tasks.py, masked_names.py      the recall and echo tasks; the masked letter  07-10
    teaching/truncation.py   the share of the full gradient that truncated BPTT misses          09
    teaching/checks/   the checks of the notebooks' exercises, one module per notebook
    teaching/figure_styles.py   the figures' line styles, told apart without colour    04, 07, 08
    cli.py, __main__.py  python -m rnn_lib train | sample | evaluate

The numbers on the right are the notebooks that teach (or use) the module.
"""

from .activations import sigmoid, softmax, tanh
from .cells.attention import (
    ATTENTION_PARAM_NAMES,
    attention_keys,
    attention_keys_backward,
    attention_step_backward,
    attention_step_forward,
    initialize_attention,
    masked_softmax,
    masked_softmax_backward,
)
from .cells.bidirectional import (
    BIDIRECTIONAL_PARAM_NAMES,
    bidirectional_backward,
    bidirectional_forward,
    bidirectional_loss_and_gradients,
    initialize_bidirectional_parameters,
)
from .cells.embedding import (
    NO_INPUT,
    embedding_backward,
    embedding_forward,
    initialize_embedding,
    one_hot_to_indices,
)
from .cells.encoder_decoder import (
    decoder_step_forward,
    encoder_decoder_backward,
    encoder_decoder_forward,
    encoder_decoder_loss_and_gradients,
    encoder_decoder_param_names,
    initialize_encoder_decoder,
)
from .cells.gru import (
    GRU_PARAM_NAMES,
    GRUCache,
    GRUCellCache,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from .cells.lstm import (
    LSTM_PARAM_NAMES,
    LSTMCache,
    LSTMCellCache,
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss_and_gradients,
)
from .cells.registry import CELLS, count_parameters, get_cell
from .cells.rnn import (
    PARAM_NAMES,
    CellCache,
    SequenceCache,
    initialize_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_loss_and_gradients,
)
from .cells.rnn_layer import (
    initialize_rnn_layer,
    rnn_layer_backward,
    rnn_layer_forward,
    rnn_layer_step_backward,
    rnn_layer_step_forward,
)
from .cells.shared import output_layer_backward, output_layer_forward
from .cells.stacked import (
    initialize_stacked_parameters,
    stacked_backward,
    stacked_cell,
    stacked_forward,
    stacked_loss_and_gradients,
    stacked_param_names,
)
from .data.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .data.corpus import Corpus, corpus_from_names, read_corpus
from .data.dates import (
    INPUT_CHARS,
    OUTPUT_CHARS,
    DateBatch,
    encode_dates,
    human_date,
    split_dates,
)
from .data.names import (
    FAMOUS_NAMES,
    build_vocabulary,
    count_chars,
    encode_names,
    index_maps,
    length_grouped_batches,
    load_dinosaur_names,
    load_names,
    padding_fraction,
    split_names,
)
from .data.streams import count_chunks, split_streams, stream_chunks, text_indices
from .loss import compute_loss, perplexity
from .teaching.diagnostics import gradient_norms_through_time
from .teaching.gradcheck import (
    gradient_check,
    numerical_gradient,
    relative_error,
    rnn_gradient_check,
)
from .teaching.truncation import truncation_gap
from .training.decoding import (
    Decoded,
    beam_search,
    greedy_decode,
    name_log_probabilities,
    sample_with_log_probabilities,
)
from .training.optim import Adam, clip, clip_by_norm, global_norm, update_parameters
from .training.sampling import next_char_distribution, novelty, sample, sample_names
from .training.seed_recipe import SEED_CHARS, optimize, rnn_model
from .training.seq2seq_decoding import beam_translate, greedy_translate
from .training.seq2seq_training import exact_match, train_encoder_decoder, translate
from .training.tbptt import TBPTTResult, predict_stream, train_tbptt, truncated_gradients
from .training.trainer import evaluate, train

__all__ = [
    "ATTENTION_PARAM_NAMES",
    "BIDIRECTIONAL_PARAM_NAMES",
    "CELLS",
    "Corpus",
    "FAMOUS_NAMES",
    "GRU_PARAM_NAMES",
    "INPUT_CHARS",
    "LSTM_PARAM_NAMES",
    "NO_INPUT",
    "OUTPUT_CHARS",
    "PARAM_NAMES",
    "SEED_CHARS",
    "Adam",
    "CellCache",
    "Checkpoint",
    "DateBatch",
    "Decoded",
    "GRUCache",
    "GRUCellCache",
    "LSTMCache",
    "LSTMCellCache",
    "SequenceCache",
    "TBPTTResult",
    "attention_keys",
    "attention_keys_backward",
    "attention_step_backward",
    "attention_step_forward",
    "beam_search",
    "beam_translate",
    "bidirectional_backward",
    "bidirectional_forward",
    "bidirectional_loss_and_gradients",
    "build_vocabulary",
    "clip",
    "clip_by_norm",
    "compute_loss",
    "count_chars",
    "count_chunks",
    "count_parameters",
    "decoder_step_forward",
    "embedding_backward",
    "embedding_forward",
    "encode_dates",
    "encode_names",
    "encoder_decoder_backward",
    "encoder_decoder_forward",
    "encoder_decoder_loss_and_gradients",
    "encoder_decoder_param_names",
    "evaluate",
    "exact_match",
    "get_cell",
    "global_norm",
    "gradient_check",
    "gradient_norms_through_time",
    "greedy_decode",
    "greedy_translate",
    "gru_backward",
    "gru_cell_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_loss_and_gradients",
    "human_date",
    "index_maps",
    "initialize_attention",
    "initialize_bidirectional_parameters",
    "initialize_embedding",
    "initialize_encoder_decoder",
    "initialize_gru_parameters",
    "initialize_lstm_parameters",
    "initialize_parameters",
    "initialize_rnn_layer",
    "initialize_stacked_parameters",
    "length_grouped_batches",
    "load_checkpoint",
    "load_dinosaur_names",
    "load_names",
    "lstm_backward",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_loss_and_gradients",
    "masked_softmax",
    "masked_softmax_backward",
    "name_log_probabilities",
    "next_char_distribution",
    "novelty",
    "numerical_gradient",
    "one_hot_to_indices",
    "optimize",
    "output_layer_backward",
    "output_layer_forward",
    "padding_fraction",
    "perplexity",
    "predict_stream",
    "relative_error",
    "rnn_backward",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_gradient_check",
    "rnn_layer_backward",
    "rnn_layer_forward",
    "rnn_layer_step_backward",
    "rnn_layer_step_forward",
    "rnn_loss_and_gradients",
    "rnn_model",
    "sample",
    "sample_names",
    "sample_with_log_probabilities",
    "save_checkpoint",
    "sigmoid",
    "softmax",
    "split_dates",
    "split_names",
    "read_corpus",
    "corpus_from_names",
    "split_streams",
    "stacked_backward",
    "stacked_cell",
    "stacked_forward",
    "stacked_loss_and_gradients",
    "stacked_param_names",
    "stream_chunks",
    "tanh",
    "text_indices",
    "train",
    "train_encoder_decoder",
    "train_tbptt",
    "translate",
    "truncated_gradients",
    "truncation_gap",
    "update_parameters",
]
