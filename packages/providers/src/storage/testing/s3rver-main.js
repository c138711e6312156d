// s3rver in its own Node process, started by s3rver.ts. Why a process: s3rver signs list continuation
// tokens with DES, which Node >= 17 offers only with `--openssl-legacy-provider` (a process flag).
// Prints {"port":N} once listening; exits when its stdin closes (the parent ended or died).
const S3rver = require('s3rver');

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});

server.run().then(
  (address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`),
  (err) => {
    process.stderr.write(`s3rver failed to start: ${err}\n`);
    process.exit(1);
  },
);

process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
