import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { InvalidInput } from './errors';
import { validateDto } from './validation';

class Inner {
  @IsInt()
  @Min(1)
  count: number;
}

class Sample {
  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(5)
  note?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

const errorsOf = async (value: unknown) => {
  try {
    await validateDto(Sample, value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).errors;
  }
  throw new Error('expected a validation error');
};

describe('validation messages', () => {
  it('says a missing or null required field is required, once', async () => {
    expect(await errorsOf({ email: 'a@b.test' })).toEqual([{ field: 'password', message: 'password is required' }]);
    expect(await errorsOf({ email: 'a@b.test', password: null })).toEqual([{ field: 'password', message: 'password is required' }]);
  });

  it('gives the first failed rule in declared order, one per field', async () => {
    expect(await errorsOf({ email: 'nope', password: 5 })).toEqual([
      { field: 'email', message: 'email must be an email' },
      { field: 'password', message: 'password must be a string' },
    ]);
    expect(await errorsOf({ email: 'a@b.test', password: 'x'.repeat(201) })).toEqual([
      { field: 'password', message: 'password must be shorter than or equal to 200 characters' },
    ]);
    expect(await errorsOf({ email: 'a@b.test', password: 'p', note: 'too long' })).toEqual([
      { field: 'note', message: 'note must be shorter than or equal to 5 characters' },
    ]);
  });

  it('names nested fields by path and unknown fields plainly', async () => {
    expect(await errorsOf({ email: 'a@b.test', password: 'p', inner: {} })).toEqual([
      { field: 'inner.count', message: 'count is required' },
    ]);
    expect(await errorsOf({ email: 'a@b.test', password: 'p', inner: { count: 0 } })).toEqual([
      { field: 'inner.count', message: 'count must not be less than 1' },
    ]);
    expect(await errorsOf({ email: 'a@b.test', password: 'p', isAdmin: true })).toEqual([
      { field: 'isAdmin', message: 'isAdmin should not exist' },
    ]);
  });
});
