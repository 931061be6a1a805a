// Appended to chat.mjs (after `export default createChat`): running the module runs
// the program, so `node chat.mjs URL ROOM NAME` works like the native `chat`.
// Node's command line reaches main() as argv (the glue reads process.argv).
await createChat();
