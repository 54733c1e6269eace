"""``make bench``: how long the course takes and how fast it feels, measured on this machine.

- ``suite``       execution time of every chapter notebook, kernel start included
- ``throughput``  training steps/s of the course's MNIST models, against a NumPy matmul roofline
- ``latency``     time from a control change to the finished panel update, compute vs drawing
- ``report``      the Markdown report, the findings and the throughput plot
- ``run``         the entry point: runs the three measurements and writes ``results/``
"""
