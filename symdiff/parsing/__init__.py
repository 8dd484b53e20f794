"""Reading text (third layer): the Lark grammar's parser, and the inputs the public functions accept."""
