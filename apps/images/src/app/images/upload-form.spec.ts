import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { receiveUpload } from './upload-form';

/** A request body as the listener sees it: a stream with headers. */
function body(): PassThrough & IncomingMessage {
  const stream = new PassThrough() as PassThrough & IncomingMessage;
  Object.assign(stream, { headers: { 'content-type': 'multipart/form-data; boundary=x' }, complete: false });
  // as IncomingMessage: complete once the whole body has arrived
  stream.prependListener('end', () => Object.assign(stream, { complete: true }));
  return stream;
}

const part = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';

describe('receiving an upload', () => {
  it('reads the part named file, with its name made safe', async () => {
    const request = body();
    const received = receiveUpload(request, 1024);
    request.end(`--x\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n${part}PNGDATA\r\n--x--\r\n`);
    await expect(received).resolves.toEqual({ data: Buffer.from('PNGDATA'), filename: 'a.png', visibility: 'public' });
  });

  it('gives up at once on a request whose client is already gone (an upload that waited its turn)', async () => {
    const request = body();
    request.destroy();
    await expect(receiveUpload(request, 1024)).rejects.toMatchObject({ code: 'IMAGES.BAD_UPLOAD', message: 'The upload was interrupted' });
  });

  it('gives up when the client goes away half way through the body', async () => {
    const request = body();
    const received = receiveUpload(request, 1024);
    request.write(`${part}PNG`);
    request.destroy();
    await expect(received).rejects.toMatchObject({ code: 'IMAGES.BAD_UPLOAD', message: 'The upload was interrupted' });
  });

  it('refuses a file over the limit while it streams', async () => {
    const request = body();
    const received = receiveUpload(request, 8);
    request.write(`${part}0123456789`);
    await expect(received).rejects.toMatchObject({ code: 'IMAGES.TOO_LARGE' });
    request.destroy();
  });
});
