import { freePort } from '../../../../tools/platform/platform.cjs';

describe('ports of the test stacks', () => {
  it('hands out each port once per process, though the kernel readily hands a just-closed port out again', async () => {
    // a stack picks its gateway's port first and binds it only after its services have started,
    // each on a port picked meanwhile: one of them must never get the gateway's
    const ports: number[] = [];
    for (let i = 0; i < 2000; i++) ports.push(await freePort());

    expect(new Set(ports).size).toBe(ports.length);
  });
});
