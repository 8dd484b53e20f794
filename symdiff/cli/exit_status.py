"""The command line's exit statuses, in a module of their own so that the parser, the modes and main() share
them without importing one another."""

EXIT_OK = 0
EXIT_WRONG = 1     # --compare: the answer is not the derivative
EXIT_USAGE = 2     # bad input or usage: one line saying what is wrong (argparse's own errors too)
EXIT_DISAGREE = 3  # --check: symdiff and SymPy disagree
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C
