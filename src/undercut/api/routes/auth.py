"""``/auth``: OAuth2 password flow, refresh-token rotation and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from undercut.api import security
from undercut.api.deps import CurrentUser, SessionDep, SettingsDep
from undercut.api.errors import AUTH_RESPONSES, BODY_RESPONSES, ErrorBody

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenResponse(BaseModel):
    """An access token for the ``Authorization: Bearer`` header and the refresh token
    that buys the next one."""

    access_token: str = Field(description="JWT, valid for `expires_in` seconds.")
    token_type: str = Field(default="bearer", description="Always `bearer`.")
    expires_in: int = Field(description="Access token lifetime in seconds.")
    refresh_token: str = Field(description="Single-use; POST it to /auth/refresh.")


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class Me(BaseModel):
    id: int
    name: str
    role: str = Field(description="`admin` or `user`.")


def _tokens(pair: security.TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
    )


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={
        401: {
            "model": ErrorBody,
            "description": "Wrong name or password, or the account is locked.",
        }
    },
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    settings: SettingsDep,
    session: SessionDep,
    response: Response,
) -> TokenResponse:
    """Sign in (OAuth2 password grant): form fields `username` and `password`.

    Repeated wrong passwords lock the account for a while.
    """
    response.headers["Cache-Control"] = "no-store"
    return _tokens(security.login(settings, session, form.username, form.password))


@router.post(
    "/refresh",
    response_model=TokenResponse,
    responses={
        **BODY_RESPONSES,
        401: {
            "model": ErrorBody,
            "description": "Unknown, expired, revoked or reused refresh token.",
        },
    },
)
def refresh(
    body: RefreshRequest, settings: SettingsDep, session: SessionDep, response: Response
) -> TokenResponse:
    """Trade a refresh token for a new access and refresh token pair.

    Each refresh token works once: presenting a spent one revokes every token of that
    login (it has been copied), and the user must sign in again.
    """
    response.headers["Cache-Control"] = "no-store"
    return _tokens(security.refresh(settings, session, body.refresh_token))


@router.post("/logout", status_code=204, response_class=Response, responses=BODY_RESPONSES)
def logout(session: SessionDep, body: RefreshRequest) -> Response:
    """Revoke the login the refresh token belongs to (every refresh token of it)."""
    security.logout(session, body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=Me, responses=AUTH_RESPONSES)
def me(user: CurrentUser) -> Me:
    """Who the bearer token belongs to."""
    return Me(id=user.user_id, name=user.name, role=user.role)
