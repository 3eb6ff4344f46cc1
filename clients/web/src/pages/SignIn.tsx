import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { Login, SignUp as SignUpMutation } from '../generated/documents';
import { useSession } from '../session';
import { ErrorMessage } from '../ui';

const backTo = (state: unknown) => (state as { from?: string } | null)?.from ?? '/';

export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, login] = useMutation(Login);
  const { signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await login({ email, password });
    if (r.data) {
      signIn(r.data.login.accessToken, r.data.login.user);
      navigate(backTo(location.state));
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="signin-heading">
      <h1 id="signin-heading">Sign in</h1>
      <label htmlFor="email">E-mail</label>
      <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="password">Password</label>
      <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {result.error && <ErrorMessage error={result.error} />}
      <button type="submit" disabled={result.fetching}>
        {result.fetching ? 'Signing in…' : 'Sign in'}
      </button>
      <p>
        New here? <Link to="/signup" state={location.state}>Create an account</Link>
      </p>
    </form>
  );
}

export function SignUp() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, signUp] = useMutation(SignUpMutation);
  const { signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await signUp({ input: { name, email, password } });
    if (r.data) {
      signIn(r.data.signUp.accessToken, r.data.signUp.user);
      navigate(backTo(location.state));
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="signup-heading">
      <h1 id="signup-heading">Create an account</h1>
      <label htmlFor="name">Name</label>
      <input id="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="email">E-mail</label>
      <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="password">Password</label>
      <input id="password" type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} />
      {result.error && <ErrorMessage error={result.error} />}
      <button type="submit" disabled={result.fetching}>
        Sign up
      </button>
    </form>
  );
}
