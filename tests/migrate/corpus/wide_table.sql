-- A row over MySQL's 65,535 bytes once NVARCHAR is utf8mb4, and keys over InnoDB's 3,072 bytes.
CREATE TABLE [dbo].[Survey] (
    [SurveyId] BIGINT NOT NULL,
    [Q1] NVARCHAR(4000) NULL,
    [Q2] NVARCHAR(4000) NULL,
    [Q3] NVARCHAR(4000) NULL,
    [Q4] NVARCHAR(4000) NULL,
    [Q5] NVARCHAR(4000) NULL,
    [Title] NVARCHAR(1000) NOT NULL,
    [Slug] NVARCHAR(1000) NOT NULL,
    [Body] NVARCHAR(MAX) NULL,
    CONSTRAINT [PK_Survey] PRIMARY KEY ([SurveyId]),
    CONSTRAINT [UQ_Survey_Slug] UNIQUE ([Slug])
);
GO
CREATE INDEX [IX_Survey_Title] ON [dbo].[Survey] ([Title], [SurveyId]);
CREATE INDEX [IX_Survey_Body] ON [dbo].[Survey] ([Body]);
GO
