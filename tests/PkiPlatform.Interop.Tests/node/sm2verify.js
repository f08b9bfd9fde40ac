// Verifies SM2 signatures with sm-crypto (an implementation nobody here wrote): one JSON object per input line,
// {"name", "msg" (hex of the signed bytes), "sig" (hex of the DER SEQUENCE {r, s}), "pub" (hex 04||X||Y)};
// prints "NAME ok" or "NAME bad". The signer ID is sm-crypto's default, 1234567812345678 (GM/T 0009).
const { sm2 } = require('sm-crypto');
const input = require('fs').readFileSync(0, 'utf8').trim().split('\n');
for (const line of input) {
  const j = JSON.parse(line);
  const ok = sm2.doVerifySignature(Array.from(Buffer.from(j.msg, 'hex')), j.sig, j.pub, { der: true, hash: true });
  console.log(`${j.name} ${ok ? 'ok' : 'bad'}`);
}
