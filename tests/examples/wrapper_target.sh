#!/bin/sh
# Runs its arguments as a child, as npm start, poetry run or a shell script without exec start a
# target: savefuzz's crash must kill the child too, not the wrapper alone.
"$@"
