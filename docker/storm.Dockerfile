# Storm nimbus, supervisors and UI with SnapMode's Python side on every supervisor: the shell spouts
# and bolts run `streamparse_run` from /opt/snapmode with this image's Python.
ARG SNAPMODE_IMAGE=snapmode/app:0.1.0
FROM ${SNAPMODE_IMAGE} AS app

FROM storm:2.8.3
USER root
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv fonts-dejavu-core \
    libgl1 libglib2.0-0 && rm -rf /var/lib/apt/lists/*
COPY --from=app /usr/local /usr/local
COPY --from=app /opt/snapmode /opt/snapmode
ENV PATH=/usr/local/bin:$PATH PYTHONPATH=/opt/snapmode YOLO_OFFLINE=1
USER storm
