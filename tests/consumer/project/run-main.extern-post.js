// Running app.mjs runs the program (the module's factory calls main with Node's argv).
await Module();
