import { Badge, Group, Title } from '@mantine/core';

/** The heading of a part of the Security area (`id` names its section), with its state as a badge. */
export function StatusHeading({ id, title, status, good }: { id: string; title: string; status: string; good: boolean }) {
  return (
    <Group gap="sm">
      <Title order={3} size="h5" id={id}>
        {title}
      </Title>
      <Badge color={good ? 'green' : 'yellow'} variant="light">
        {status}
      </Badge>
    </Group>
  );
}
