/**
 * The ceiling: an HTTP server that does nothing but answer every request with
 * the same canned SendMessageBatch result (10 successful entries). What the
 * SDK manages against it is the most any SQS server could get from one client
 * process. Run as its own process: `node --import tsx bench/server/ceiling.ts PORT`.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const body = JSON.stringify({
  Successful: Array.from({ length: 10 }, (_, i) => ({
    Id: String(i),
    MessageId: `00000000-0000-4000-8000-00000000000${i}`,
    MD5OfMessageBody: 'd41d8cd98f00b204e9800998ecf8427e',
  })),
  Failed: [],
});
const headers = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
  'content-length': String(Buffer.byteLength(body)),
};

createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
}).listen(port, '127.0.0.1');
