# docs: no sources yet
