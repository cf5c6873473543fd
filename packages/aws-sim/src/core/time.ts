// Virtual-time formatting shared by the models and the wire.

export const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z')
